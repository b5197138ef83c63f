package dev.kapsel.oci;

/**
 * A runtime operation failed for a reason the user can act on. One subclass per cause; the message
 * is one line naming the container, file or value at fault.
 */
public abstract sealed class OciException extends RuntimeException
        permits InvalidConfigException, UnsupportedConfigException, ContainerNotFoundException,
        ContainerExistsException, InvalidStateException, InvalidSignalException, BackendNotAvailableException,
        ContainerFailedException, OperationNotSupportedException {
    protected OciException(String message) {
        super(message);
    }

    protected OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
