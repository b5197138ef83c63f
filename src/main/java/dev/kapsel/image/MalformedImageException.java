package dev.kapsel.image;

/** An image source that is not a valid layout or archive: missing files, bad JSON, a truncated tar. */
public final class MalformedImageException extends ImageException {
    public MalformedImageException(String message) {
        super(message);
    }

    public MalformedImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
