package dev.kapsel.oci;

/** The isolation requested by the {@code dev.kapsel.isolation} annotation does not exist (yet). */
public final class BackendNotAvailableException extends OciException {
    public BackendNotAvailableException(String message) {
        super(message);
    }
}
