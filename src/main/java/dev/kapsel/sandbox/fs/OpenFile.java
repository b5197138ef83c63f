package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;

/**
 * An open file description: what a file descriptor refers to. Operations a kind of file does not
 * support fail with the errno Linux gives for them.
 */
public interface OpenFile {
    int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
    int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    int O_NONBLOCK = 04000;

    /** Readiness as poll(2) reports it (POLLIN, POLLOUT, POLLHUP, POLLERR); files are always ready. */
    default int poll() {
        return POLLIN | POLLOUT;
    }

    /** Is readiness decided by a host file, so a waiter must look again now and then rather than be woken? */
    default boolean hostBacked() {
        return false;
    }

    /** A pipe, socket or terminal: a read returns what is there rather than filling the buffer. */
    default boolean stream() {
        return false;
    }

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
