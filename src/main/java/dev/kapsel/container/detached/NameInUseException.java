package dev.kapsel.container.detached;

/** {@code run -d --name N} when another container already has that name. */
public final class NameInUseException extends ContainerRegistryException {
    public NameInUseException(String name, String holderId) {
        super("the container name '" + name + "' is already in use by container " + ContainerId.shorten(holderId)
                + ": remove it ('kapsel rm " + name + "') or choose another name");
    }
}
