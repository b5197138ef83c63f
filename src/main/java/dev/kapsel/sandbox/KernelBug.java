package dev.kapsel.sandbox;

/**
 * A Java exception inside the Java kernel (an index, arithmetic, cast or null error, out of memory,
 * a broken invariant): a bug of the kernel, never something the program caused. It is not turned
 * into an errno or a guest signal; the kernel logs it with what it was serving (the system call
 * and its arguments, or the fault) and ends the whole sandbox with {@link #EXIT_STATUS}.
 */
public final class KernelBug extends RuntimeException {
    /** The sandbox's exit status after a kernel bug: EX_SOFTWARE of sysexits.h, "internal software error". */
    public static final int EXIT_STATUS = 70;

    KernelBug(String serving, Throwable cause) {
        super("sandbox kernel bug while serving " + serving + ": " + cause, cause);
    }
}
