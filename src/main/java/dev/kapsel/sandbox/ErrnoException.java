package dev.kapsel.sandbox;

import dev.kapsel.sys.Errno;

/**
 * A system call of the sandboxed program fails with {@code errno}: thrown anywhere in the Java
 * kernel and turned into {@code -errno} in RAX by the dispatcher. No stack trace (it is a result, not a bug).
 */
public final class ErrnoException extends RuntimeException {
    private final int errno;

    public ErrnoException(int errno) {
        super(Errno.name(errno), null, false, false);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
