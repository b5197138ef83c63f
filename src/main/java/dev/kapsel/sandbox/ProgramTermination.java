package dev.kapsel.sandbox;

/**
 * Thrown through the Java kernel when the program ends: by exit/exit_group ({@code signal} 0) or
 * killed by a signal (the default action of a fault, or a kill it sent itself).
 */
public final class ProgramTermination extends RuntimeException {
    private final int exitCode;
    private final int signal;

    private ProgramTermination(int exitCode, int signal, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.signal = signal;
    }

    public static ProgramTermination exited(int code) {
        return new ProgramTermination(code & 0xff, 0, "exited with status " + (code & 0xff));
    }

    public static ProgramTermination killed(int signal, String why) {
        return new ProgramTermination(128 + signal, signal, why);
    }

    public int exitCode() {
        return exitCode;
    }

    public int signal() {
        return signal;
    }
}
