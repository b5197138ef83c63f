package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sys.Errno;

/** What AF_UNIX sockets of both types share: the namespace they bind and connect in, their own name, closing. */
abstract class UnixSocketBase extends SocketBase {
    final UnixNamespace names;
    UnixAddress local;
    private boolean closed;

    UnixSocketBase(KernelLock lock, UnixNamespace names, int flags) {
        super(lock, flags);
        this.names = names;
    }

    @Override
    public int family() {
        return UnixAddress.AF_UNIX;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void bind(byte[] address, Location cwd) {
        UnixAddress a = UnixAddress.decode(address);
        if (local != null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (a.kind() == UnixAddress.Kind.UNNAMED) {
            throw new ErrnoException(Errno.EINVAL); // autobind is not offered
        }
        names.bind(a, cwd, this, 0755);
        local = a;
    }

    @Override
    public byte[] localName() {
        return (local == null ? UnixAddress.UNNAMED : local).encode();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        names.release(local, this);
        closeConnections();
        lock.wakeAll();
    }

    /** Drops what the socket holds (connections, queues) when its last descriptor closes. */
    abstract void closeConnections();
}
