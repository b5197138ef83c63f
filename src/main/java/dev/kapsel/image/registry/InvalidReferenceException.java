package dev.kapsel.image.registry;

/** A string that is not an image reference in Docker's grammar; the message quotes it and says what is wrong. */
public final class InvalidReferenceException extends RegistryException {
    private final String reference;

    public InvalidReferenceException(String reference, String problem) {
        super("invalid image reference '" + reference + "': " + problem);
        this.reference = reference;
    }

    public String reference() {
        return reference;
    }
}
