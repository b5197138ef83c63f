package dev.kapsel.image;

/** mkfs.ext4 could not turn an unpacked image into a block image. */
public final class RootfsBuildException extends ImageException {
    public RootfsBuildException(String message) {
        super(message);
    }

    public RootfsBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
