package dev.kapsel.container.detached;

/** No container has this name, id or id prefix. */
public final class NoSuchContainerException extends ContainerRegistryException {
    public NoSuchContainerException(String reference) {
        super("no such container: " + reference + " (see 'kapsel ps -a')");
    }
}
