package dev.kapsel.oci;

/** The container's isolation could not be brought up or reached (its VM did not boot, its agent did not answer). */
public final class ContainerFailedException extends OciException {
    public ContainerFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
