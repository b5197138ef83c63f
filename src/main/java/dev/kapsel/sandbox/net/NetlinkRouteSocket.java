package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Rtnetlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * A NETLINK_ROUTE socket (SOCK_RAW or SOCK_DGRAM) whose kernel side is {@link RtnetlinkResponder}: the
 * program's requests are answered at send time from its network namespace's links and addresses, and
 * the replies wait here until received. No host netlink socket is ever given the program's bytes. A
 * receive packs as many whole queued messages as fit its buffer (at least one; a first message larger
 * than the buffer is cut and reported with MSG_TRUNC, as a datagram), so both glibc's page-sized
 * buffer and iproute2's MSG_PEEK|MSG_TRUNC sizing work. At most {@link #MAX_QUEUED} bytes of replies
 * wait: what a send would add beyond that is dropped and the next receive fails with ENOBUFS once,
 * as a netlink overrun does. Multicast groups (event subscriptions) are refused with EPERM.
 */
final class NetlinkRouteSocket extends SocketBase {
    static final int MAX_QUEUED = 256 << 10;
    /** struct sockaddr_nl: u16 family, u16 pad, u32 pid, u32 groups. */
    static final int SOCKADDR_NL_SIZE = 12;

    private final HostStack stack;
    private final int type;
    private final IntSupplier portIds;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean overrun;
    private boolean closed;
    private int portId;

    NetlinkRouteSocket(KernelLock lock, HostStack stack, int type, int flags, IntSupplier portIds) {
        super(lock, flags);
        this.stack = stack;
        this.type = type;
        this.portIds = portIds;
    }

    @Override
    public int family() {
        return Rtnetlink.AF_NETLINK;
    }

    @Override
    public int socketType() {
        return type;
    }

    static byte[] sockaddr(int pid) {
        return ByteBuffer.allocate(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder())
                .putShort((short) Rtnetlink.AF_NETLINK).putShort((short) 0).putInt(pid).putInt(0).array();
    }

    /** The pid of a sockaddr_nl the program passed, after checking its family and length; groups must be none. */
    private static int pidOf(byte[] address) {
        if (address.length < SOCKADDR_NL_SIZE) {
            throw new ErrnoException(Errno.EINVAL);
        }
        ByteBuffer a = ByteBuffer.wrap(address).order(ByteOrder.nativeOrder());
        if (Short.toUnsignedInt(a.getShort(0)) != Rtnetlink.AF_NETLINK) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (a.getInt(8) != 0) {
            throw new ErrnoException(Errno.EPERM); // no event groups
        }
        return a.getInt(4);
    }

    private void autobind() {
        if (portId == 0) {
            portId = portIds.getAsInt();
        }
    }

    @Override
    public void bind(byte[] address, Location cwd) {
        int pid = pidOf(address);
        if (portId != 0 && pid != 0 && pid != portId) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (pid != 0) {
            portId = pid;
        }
        autobind();
    }

    @Override
    public void connect(byte[] address, Location cwd) {
        if (pidOf(address) != 0) {
            throw new ErrnoException(SocketErrno.ECONNREFUSED); // only the kernel answers here
        }
        autobind();
    }

    @Override
    public int send(byte[] data, int length, int flags, byte[] to, Location cwd) {
        if (closed) {
            throw new ErrnoException(Errno.EBADF);
        }
        if (to != null && pidOf(to) != 0) {
            throw new ErrnoException(SocketErrno.ECONNREFUSED);
        }
        autobind();
        RtnetlinkResponder.Answer answer = RtnetlinkResponder.answer(data, length, portId, stack::interfaces,
                MAX_QUEUED - queuedBytes);
        for (byte[] r : answer.replies()) {
            queue.add(r);
            queuedBytes += r.length;
        }
        overrun |= answer.cut();
        lock.wakeAll();
        return length;
    }

    @Override
    public Received receive(int max, int flags) {
        if (queue.isEmpty()) {
            if (overrun) {
                overrun = false;
                throw new ErrnoException(SocketErrno.ENOBUFS);
            }
            if (nonBlocking(flags)) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> !queue.isEmpty() || closed, Long.MAX_VALUE); // as Linux: nothing else will come
            if (queue.isEmpty()) {
                throw new ErrnoException(Errno.EBADF);
            }
        }
        boolean peek = (flags & MSG_PEEK) != 0;
        int total = 0;
        int count = 0;
        for (byte[] m : queue) {
            if (count > 0 && total + m.length > max) {
                break;
            }
            total += m.length;
            count++;
            if (total > max) {
                break; // a first message larger than the buffer goes alone, cut
            }
        }
        byte[] datagram = new byte[total];
        int at = 0;
        var it = queue.iterator();
        for (int i = 0; i < count; i++) {
            byte[] m = it.next();
            System.arraycopy(m, 0, datagram, at, m.length);
            at += m.length;
            if (!peek) {
                it.remove();
                queuedBytes -= m.length;
            }
        }
        byte[] taken = total <= max ? datagram : Arrays.copyOf(datagram, Math.max(0, max));
        return new Received(taken, total, sockaddr(0));
    }

    @Override
    public void shutdown(int how) {
        throw new ErrnoException(Errno.EOPNOTSUPP);
    }

    @Override
    public byte[] localName() {
        return sockaddr(portId);
    }

    @Override
    public byte[] peerName() {
        return sockaddr(0);
    }

    @Override
    public int poll() {
        return (queue.isEmpty() && !overrun ? 0 : POLLIN) | POLLOUT;
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        lock.wakeAll();
    }
}
