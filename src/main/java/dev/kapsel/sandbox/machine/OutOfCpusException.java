package dev.kapsel.sandbox.machine;

/** The sandbox already has as many vCPUs (running tasks) as it may create. */
public final class OutOfCpusException extends RuntimeException {
    public OutOfCpusException(int limit) {
        super("the sandbox runs its limit of " + limit + " tasks at once", null, false, false);
    }
}
