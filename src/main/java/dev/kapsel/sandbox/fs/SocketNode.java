package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;

/**
 * What every open socket is as a file: its own inode (S_IFSOCK, not openable by path), a stream for
 * read/write, and status flags (O_RDWR plus O_NONBLOCK as fcntl sets it).
 */
public abstract class SocketNode extends Node implements OpenFile {
    private int status;

    /** {@code flags} may hold O_NONBLOCK (from SOCK_NONBLOCK or accept4). */
    protected SocketNode(int flags) {
        this.status = 2 | (flags & O_NONBLOCK);
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
    public Node node() {
        return this;
    }

    @Override
    public boolean stream() {
        return true;
    }

    @Override
    public int statusFlags() {
        return status;
    }

    @Override
    public void setStatusFlags(int flags) {
        status = flags;
    }
}
