package dev.kapsel.sandbox.fs;

/**
 * A node that is its own open file, as an epoll instance, an eventfd or a socket is: the descriptor
 * and the inode are one object, which keeps the descriptor's status flags (O_RDWR plus O_NONBLOCK as
 * the creating call or fcntl sets them).
 */
public abstract class SelfOpenNode extends Node implements OpenFile {
    private int status;

    /** {@code flags} may hold O_NONBLOCK (from EFD_NONBLOCK, SOCK_NONBLOCK, accept4, ...). */
    protected SelfOpenNode(int flags) {
        this.status = 2 | (flags & O_NONBLOCK);
    }

    @Override
    public Node node() {
        return this;
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
