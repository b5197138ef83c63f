package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.NetNamespace;
import dev.kapsel.sys.NetlinkSocket;
import dev.kapsel.sys.SyscallException;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;

/**
 * Where the sandbox's host sockets are created. socket(2) binds a socket to the network namespace of
 * the calling thread for good, so in {@link NetworkMode.Namespace} each channel is opened on a fresh
 * thread that has entered the namespace ({@link NetNamespace#call}); the monitor's own threads, its
 * control socket and its JVM never leave the host namespace. Everything done later with the channel
 * (bind, connect, accept, I/O) acts in the namespace it was created in. Only channel creation and the
 * rtnetlink reads for {@link NetlinkRouteSocket} go through here; accepted connections inherit the listener's namespace.
 */
final class HostStack {
    private final NetworkMode mode;

    HostStack(NetworkMode mode) {
        if (!mode.hasInet()) {
            throw new IllegalArgumentException("network mode " + mode + " has no host sockets");
        }
        this.mode = mode;
    }

    NetworkMode mode() {
        return mode;
    }

    ServerSocketChannel server(ProtocolFamily family) throws IOException {
        return inNamespace(() -> ServerSocketChannel.open(family));
    }

    SocketChannel stream(ProtocolFamily family) throws IOException {
        return inNamespace(() -> SocketChannel.open(family));
    }

    DatagramChannel datagram(ProtocolFamily family) throws IOException {
        return inNamespace(() -> DatagramChannel.open(family));
    }

    /**
     * The namespace's links and addresses now, read over a host rtnetlink socket opened in it; a
     * failure fails the program's netlink request with ENETDOWN.
     */
    RtnetlinkResponder.Interfaces interfaces() {
        try {
            return inNamespace(() -> {
                try (NetlinkSocket s = NetlinkSocket.open()) {
                    return new RtnetlinkResponder.Interfaces(s.links(), s.addresses());
                }
            });
        } catch (IOException | RuntimeException e) {
            if (e instanceof ErrnoException errno) {
                throw errno;
            }
            throw new ErrnoException(SocketErrno.ENETDOWN);
        }
    }

    /**
     * Runs {@code work} in the stack's namespace. A namespace that is gone or cannot be entered (the
     * engine removed it) fails the program's call with ENETDOWN.
     */
    <T> T inNamespace(Callable<T> work) throws IOException {
        if (!(mode instanceof NetworkMode.Namespace ns)) {
            try {
                return work.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        try {
            return NetNamespace.call(ns.path(), work);
        } catch (IOException | ErrnoException e) {
            throw e;
        } catch (SyscallException e) {
            throw new ErrnoException(SocketErrno.ENETDOWN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(dev.kapsel.sys.Errno.EINTR);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
