package dev.kapsel.api;

/**
 * A request the API refuses, answered with {@link #status} and {@code {"fault_message": message}}
 * as Firecracker does (400 for everything the client can fix).
 */
public final class ApiFault extends Exception {
    private final int status;

    public ApiFault(int status, String message) {
        super(message);
        this.status = status;
    }

    public ApiFault(String message) {
        this(400, message);
    }

    public int status() {
        return status;
    }
}
