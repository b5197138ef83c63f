package dev.kapsel.oci;

/** No container of that id exists under the runtime's root. */
public final class ContainerNotFoundException extends OciException {
    public ContainerNotFoundException(String id) {
        super("container " + id + " does not exist");
    }
}
