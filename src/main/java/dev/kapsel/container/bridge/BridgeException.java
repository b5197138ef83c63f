package dev.kapsel.container.bridge;

/** The bridge network could not take a container: a port that is taken, no free address, a host that refused a step. */
public final class BridgeException extends Exception {
    private static final long serialVersionUID = 1L;

    public BridgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
