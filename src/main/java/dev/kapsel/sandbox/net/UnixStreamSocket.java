package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sandbox.fs.SocketPair;
import dev.kapsel.sys.Errno;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * An AF_UNIX SOCK_STREAM socket: unconnected, listening (a backlog of connections made by
 * connect and taken by accept), or connected (a {@link SocketPair} end: one 64 KiB pipe per
 * direction, end of file when the peer closes, EPIPE and SIGPIPE when writing to a closed peer).
 * connect completes at once when the listener's backlog has room, as on Linux. No descriptor
 * passing (SCM_RIGHTS) and no credentials messages.
 */
public final class UnixStreamSocket extends UnixSocketBase {
    private static final int MAX_BACKLOG = 4096;
    private SocketPair.End connection;
    private UnixAddress peer;
    private Deque<UnixStreamSocket> backlog;
    private int backlogLimit;

    public UnixStreamSocket(KernelLock lock, UnixNamespace names, int flags) {
        super(lock, names, flags);
    }

    /** socketpair(AF_UNIX, SOCK_STREAM): two connected, unnamed sockets. */
    public static UnixStreamSocket[] pair(KernelLock lock, UnixNamespace names, int flags) {
        SocketPair.End[] ends = SocketPair.create(lock, flags);
        UnixStreamSocket a = new UnixStreamSocket(lock, names, flags);
        UnixStreamSocket b = new UnixStreamSocket(lock, names, flags);
        a.connected(ends[0], UnixAddress.UNNAMED);
        b.connected(ends[1], UnixAddress.UNNAMED);
        return new UnixStreamSocket[] {a, b};
    }

    private void connected(SocketPair.End end, UnixAddress peerAddress) {
        connection = end;
        peer = peerAddress;
    }

    @Override
    public int socketType() {
        return SOCK_STREAM;
    }

    @Override
    boolean listening() {
        return backlog != null;
    }

    @Override
    public void listen(int n) {
        if (connection != null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (local == null) {
            throw new ErrnoException(Errno.EINVAL); // no autobind: listen needs a name
        }
        if (backlog == null) {
            backlog = new ArrayDeque<>();
        }
        backlogLimit = Math.clamp(n, 1, MAX_BACKLOG);
        lock.wakeAll();
    }

    @Override
    public SandboxSocket accept(int flags) {
        if (backlog == null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (backlog.isEmpty()) {
            if (nonBlocking(0)) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> !backlog.isEmpty() || isClosed(), Long.MAX_VALUE);
            if (backlog.isEmpty()) {
                throw new ErrnoException(Errno.EINVAL);
            }
        }
        UnixStreamSocket s = backlog.poll();
        s.setStatusFlags(2 | (flags & O_NONBLOCK));
        lock.wakeAll();
        return s;
    }

    @Override
    public void connect(byte[] address, Location cwd) {
        UnixAddress target = UnixAddress.decode(address);
        if (connection != null) {
            throw new ErrnoException(SocketErrno.EISCONN);
        }
        if (backlog != null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        UnixSocketBase found = names.lookup(target, cwd);
        if (!(found instanceof UnixStreamSocket server)) {
            throw new ErrnoException(SocketErrno.EPROTOTYPE);
        }
        if (server.backlog == null) {
            throw new ErrnoException(SocketErrno.ECONNREFUSED);
        }
        if (server.backlog.size() >= server.backlogLimit) {
            if (nonBlocking(0)) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> server.isClosed() || server.backlog.size() < server.backlogLimit, Long.MAX_VALUE);
            if (server.isClosed()) {
                throw new ErrnoException(SocketErrno.ECONNREFUSED);
            }
        }
        SocketPair.End[] ends = SocketPair.create(lock, 0);
        UnixStreamSocket accepted = new UnixStreamSocket(lock, names, 0);
        accepted.local = server.local;
        accepted.connected(ends[1], local == null ? UnixAddress.UNNAMED : local);
        connected(ends[0], server.local);
        server.backlog.add(accepted);
        lock.wakeAll();
    }

    private SocketPair.End connection() {
        if (connection == null) {
            throw new ErrnoException(SocketErrno.ENOTCONN);
        }
        return connection;
    }

    @Override
    public int send(byte[] data, int length, int flags, byte[] to, Location cwd) {
        SocketPair.End c = connection();
        if (to != null) {
            throw new ErrnoException(SocketErrno.EISCONN);
        }
        c.setStatusFlags(nonBlocking(flags) ? O_NONBLOCK : 0);
        return c.write(data, 0, length);
    }

    @Override
    public Received receive(int max, int flags) {
        if (connection == null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        SocketPair.End c = connection;
        boolean nb = nonBlocking(flags);
        byte[] buf = new byte[max];
        byte[] from = peer.encode();
        if ((flags & MSG_PEEK) != 0) {
            if (c.available() == 0 && max > 0 && !nb && (c.poll() & POLLHUP) == 0) {
                lock.await(() -> (c.poll() & (POLLIN | POLLHUP)) != 0, Long.MAX_VALUE);
            }
            int n = c.peek(buf, max);
            if (n == 0 && nb && (c.poll() & POLLHUP) == 0 && max > 0) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            return new Received(Arrays.copyOf(buf, n), n, from);
        }
        c.setStatusFlags(nb ? O_NONBLOCK : 0);
        int n = c.read(buf, max);
        if ((flags & MSG_WAITALL) != 0 && !nb) {
            byte[] more = new byte[max];
            while (n > 0 && n < max) {
                int got;
                try {
                    got = c.read(more, max - n);
                } catch (ErrnoException e) {
                    break; // a signal: return what arrived
                }
                if (got == 0) {
                    break;
                }
                System.arraycopy(more, 0, buf, n, got);
                n += got;
            }
        }
        return new Received(n == max ? buf : Arrays.copyOf(buf, n), n, from);
    }

    @Override
    public void shutdown(int how) {
        if (how < SHUT_RD || how > SHUT_RDWR) {
            throw new ErrnoException(Errno.EINVAL);
        }
        connection().shutdown(how);
        lock.wakeAll();
    }

    @Override
    public byte[] peerName() {
        if (connection == null) {
            throw new ErrnoException(SocketErrno.ENOTCONN);
        }
        return peer.encode();
    }

    @Override
    public int poll() {
        if (backlog != null) {
            return backlog.isEmpty() ? 0 : POLLIN;
        }
        if (connection == null) {
            return POLLOUT | POLLHUP;
        }
        return connection.poll();
    }

    @Override
    void closeConnections() {
        if (connection != null) {
            connection.close();
        }
        if (backlog != null) {
            for (UnixStreamSocket pending : backlog) {
                pending.close();
            }
            backlog.clear();
        }
    }
}
