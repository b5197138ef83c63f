package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sys.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.BooleanSupplier;

/**
 * An AF_INET/AF_INET6 socket backed by a non-blocking host channel, opened through the sandbox's
 * {@link HostStack} (so in its network namespace). Readiness is asked of the host
 * with a probe selector ({@code selectNow}, under the kernel lock); a blocking call waits in a
 * second selector with the kernel lock released ({@link KernelLock#awaitHost}), so it wakes as soon
 * as the host socket is ready and still notices signals. poll/epoll see these sockets as host-backed.
 */
abstract class HostSocket extends SocketBase {
    final int family;
    final HostStack stack;
    private SelectableChannel channel;
    private Selector probe;
    private Selector waiter;
    private SelectionKey probeKey;
    private SelectionKey waitKey;

    HostSocket(KernelLock lock, HostStack stack, int family, int flags) {
        super(lock, flags);
        this.stack = stack;
        this.family = family;
    }

    @Override
    public int family() {
        return family;
    }

    @Override
    public boolean hostBacked() {
        return true;
    }

    java.net.StandardProtocolFamily protocolFamily() {
        return family == Network.AF_INET6 ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET;
    }

    SelectableChannel channel() {
        return channel;
    }

    /** Makes {@code c} (non-blocking) this socket's host channel, closing the one before. */
    void attach(SelectableChannel c) {
        detach();
        try {
            c.configureBlocking(false);
            if (probe == null) {
                probe = Selector.open();
                waiter = Selector.open();
            }
            probeKey = c.register(probe, c.validOps());
            waitKey = c.register(waiter, 0);
            channel = c;
        } catch (IOException e) {
            closeQuietly(c);
            throw new ErrnoException(HostErrors.errno(e));
        }
    }

    private void detach() {
        if (channel != null) {
            closeQuietly(channel);
            channel = null;
            try {
                probe.selectNow(); // flush the cancelled keys so the selectors can take a new channel
                waiter.selectNow();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing the program can act on
        }
    }

    /** The host's readiness now (SelectionKey.OP_*), 0 without a channel. */
    int readyOps() {
        if (channel == null || !probeKey.isValid()) {
            return 0;
        }
        try {
            probe.selectedKeys().clear();
            probe.selectNow();
            return probe.selectedKeys().contains(probeKey) ? probeKey.readyOps() : 0;
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            return 0;
        }
    }

    /** Waits (lock released) until {@code done} holds, the host reporting {@code ops} ending each wait early. */
    void await(int ops, BooleanSupplier done) {
        SelectionKey key = waitKey;
        Selector s = waiter;
        lock.awaitHost(done, Long.MAX_VALUE, nanos -> {
            try {
                if (key.isValid()) {
                    key.interestOps(ops & key.channel().validOps());
                }
                s.select(Math.max(1, nanos / 1_000_000));
                s.selectedKeys().clear();
            } catch (IOException | java.nio.channels.ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
                // the socket was closed meanwhile: done() decides
            }
        });
    }

    /** Fails with EAGAIN when non-blocking, else waits for {@code ops} or {@code done}. */
    void block(int msgFlags, int ops, BooleanSupplier done) {
        if (nonBlocking(msgFlags)) {
            throw new ErrnoException(Errno.EAGAIN);
        }
        await(ops, done);
    }

    @Override
    public void close() {
        if (channel != null) {
            closeQuietly(channel);
            channel = null;
        }
        if (probe != null) {
            closeQuietly(probe);
            closeQuietly(waiter);
        }
        lock.wakeAll();
    }
}
