package dev.kapsel.container;

/** An operation this isolation (or this build of it) cannot do on a running container; the message says which. */
public final class NotSupportedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotSupportedException(String message) {
        super(message);
    }
}
