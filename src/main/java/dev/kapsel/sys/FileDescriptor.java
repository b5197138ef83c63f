package dev.kapsel.sys;

/** An owned file descriptor, closed once. */
public final class FileDescriptor implements AutoCloseable {
    private final int fd;
    private boolean closed;

    public FileDescriptor(int fd) {
        this.fd = fd;
    }

    public int fd() {
        if (closed) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return fd;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
