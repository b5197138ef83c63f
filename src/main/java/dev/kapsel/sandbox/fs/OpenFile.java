package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;

/**
 * An open file description: what a file descriptor refers to. Operations a kind of file does not
 * support fail with the errno Linux gives for them.
 */
public interface OpenFile {
    int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

    Node node();

    /** Reads into {@code buf[0..length)}; returns the count, 0 at end of file. */
    default int read(byte[] buf, int length) {
        throw new ErrnoException(Errno.EBADF);
    }

    default int write(byte[] buf, int offset, int length) {
        throw new ErrnoException(Errno.EBADF);
    }

    default int pread(byte[] buf, int length, long position) {
        throw new ErrnoException(Errno.ESPIPE);
    }

    default int pwrite(byte[] buf, int length, long position) {
        throw new ErrnoException(Errno.ESPIPE);
    }

    default long seek(long offset, int whence) {
        throw new ErrnoException(Errno.ESPIPE);
    }

    default Stat stat() {
        return node().stat();
    }

    /** Terminal ioctls: returns the bytes to copy out, or throws ENOTTY. */
    default byte[] ioctl(long request) {
        throw new ErrnoException(Errno.ENOTTY);
    }

    /** O_APPEND, O_NONBLOCK and the access mode, as F_GETFL reports them. */
    int statusFlags();

    void setStatusFlags(int flags);

    default void close() {
    }
}
