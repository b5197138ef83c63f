package dev.kapsel.sys;

/**
 * A system call failed. Carries the call's name and the errno, never just a string, so callers can
 * react to the cause ({@link #errno()}) and users get a one-line message ("open /dev/kvm: ENOENT
 * (No such file or directory)").
 */
public class SyscallException extends RuntimeException {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
