package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;

/**
 * What every open socket is as a file: its own inode (S_IFSOCK, not openable by path), a stream for
 * read/write, and status flags (O_RDWR plus O_NONBLOCK as fcntl sets it).
 */
public abstract class SocketNode extends SelfOpenNode {
    /** {@code flags} may hold O_NONBLOCK (from SOCK_NONBLOCK or accept4). */
    protected SocketNode(int flags) {
        super(flags);
    }

    @Override
    public Stat stat() {
        return new Stat(8, ino(), S_IFSOCK | 0777, 1, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        throw new ErrnoException(Errno.ENXIO);
    }

    @Override
    public boolean stream() {
        return true;
    }
}
