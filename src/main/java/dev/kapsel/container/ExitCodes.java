package dev.kapsel.container;

/** The exit statuses a container's host process uses besides the container's own. */
public final class ExitCodes {
    /**
     * kapsel itself failed (the image is not there, the VM could not start, bad flags), Docker's 125, so
     * it cannot be confused with the container's own status.
     */
    public static final int RUNTIME_FAILURE = 125;

    private ExitCodes() {}
}
