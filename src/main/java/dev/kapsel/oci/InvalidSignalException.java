package dev.kapsel.oci;

/** A signal given to {@code kill} is neither a known name nor a number from 1 to 64. */
public final class InvalidSignalException extends OciException {
    public InvalidSignalException(String signal) {
        super("unknown signal " + signal + " (use a name such as TERM, SIGKILL, or a number 1-64)");
    }
}
