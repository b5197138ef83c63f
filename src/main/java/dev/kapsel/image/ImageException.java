package dev.kapsel.image;

/**
 * A problem with an image the user can act on: one subclass per cause, each message one line that
 * names the image, blob, layer or entry concerned. Disk errors stay {@link java.io.IOException}s.
 */
public abstract sealed class ImageException extends Exception
        permits ImageNotFoundException, ImageNameMissingException, InvalidImageNameException,
                DigestMismatchException, MalformedImageException, UnsafeLayerEntryException,
                UnsupportedLayerException, RootfsBuildException {
    protected ImageException(String message) {
        super(message);
    }

    protected ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
