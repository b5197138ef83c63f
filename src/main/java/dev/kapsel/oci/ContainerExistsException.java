package dev.kapsel.oci;

/** {@code create} was given an id already in use under the runtime's root. */
public final class ContainerExistsException extends OciException {
    public ContainerExistsException(String id) {
        super("container " + id + " already exists");
    }
}
