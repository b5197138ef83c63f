package dev.kapsel.api.http;

/**
 * A request the server refuses before any handler sees it: malformed (400), too large (413) or not
 * complete in time (408). The connection is answered with {@link #status} and closed, since the
 * byte stream can no longer be trusted to be at a request boundary.
 */
public final class HttpException extends Exception {
    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
