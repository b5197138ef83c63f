package dev.kapsel.oci;

/** A runtime verb that the container's isolation cannot carry out (yet), named with the isolation. */
public final class OperationNotSupportedException extends OciException {
    public OperationNotSupportedException(String verb, String isolation, String why) {
        super(verb + " is not supported by the " + isolation + " isolation: " + why);
    }
}
