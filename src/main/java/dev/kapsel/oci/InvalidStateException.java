package dev.kapsel.oci;

/** The operation is not allowed in the container's current status (e.g. start of a running container). */
public final class InvalidStateException extends OciException {
    public InvalidStateException(String message) {
        super(message);
    }
}
