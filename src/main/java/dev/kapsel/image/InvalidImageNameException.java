package dev.kapsel.image;

/** A name that cannot be an image name (empty, too long, or characters outside the reference grammar). */
public final class InvalidImageNameException extends ImageException {
    public InvalidImageNameException(String name) {
        super("invalid image name '" + name + "': use letters, digits and . _ - / : @ (at most 255 characters, starting with a letter or digit)");
    }
}
