package dev.kapsel.container.detached;

/** A request to the detached-container registry that cannot be served; the message is one line for the user. */
public abstract sealed class ContainerRegistryException extends RuntimeException
        permits NameInUseException, NoSuchContainerException, AmbiguousContainerException, InvalidContainerNameException,
        ContainerRunningException {
    ContainerRegistryException(String message) {
        super(message);
    }
}
