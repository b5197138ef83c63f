package dev.kapsel.sandbox;

/**
 * Thrown through the Java kernel when the program ends: by exit/exit_group ({@code signal} 0) or
 * killed by a signal (the default action of a fault, or a kill it sent itself).
 */
public final class ProgramTermination extends RuntimeException {
    private final int exitCode;
    private final int signal;
    private final boolean kernelBug;

    private ProgramTermination(int exitCode, int signal, String message, boolean kernelBug) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.signal = signal;
        this.kernelBug = kernelBug;
    }

    public static ProgramTermination exited(int code) {
        return new ProgramTermination(code & 0xff, 0, "exited with status " + (code & 0xff), false);
    }

    public static ProgramTermination killed(int signal, String why) {
        return new ProgramTermination(128 + signal, signal, why, false);
    }

    /** The sandbox ends because of {@code bug}: status {@link KernelBug#EXIT_STATUS}. */
    static ProgramTermination kernelBug(KernelBug bug) {
        return new ProgramTermination(KernelBug.EXIT_STATUS, 0, bug.getMessage(), true);
    }

    /** Did a bug of the Java kernel end the sandbox? */
    public boolean isKernelBug() {
        return kernelBug;
    }

    public int exitCode() {
        return exitCode;
    }

    public int signal() {
        return signal;
    }
}
