package dev.kapsel.container.detached;

/** A container name outside {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*} (at most 128), or one shaped like an id. */
public final class InvalidContainerNameException extends ContainerRegistryException {
    public InvalidContainerNameException(String name) {
        super("invalid container name '" + name + "': use letters, digits and _.- (starting with a letter or digit,"
                + " at most 128, not 64 hex digits)");
    }
}
