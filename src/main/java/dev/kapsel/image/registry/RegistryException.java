package dev.kapsel.image.registry;

/**
 * A registry operation failed for a reason the user can act on: one subclass per cause, each
 * message one line naming the registry, the reference and (for HTTP failures) the status.
 * Network errors that carry no registry answer stay {@link java.io.IOException}s, wrapped with
 * the same names by {@link RegistryClient}.
 */
public abstract sealed class RegistryException extends Exception
        permits InvalidReferenceException, RegistryHttpException, RegistryProtocolException, RegistryAuthException {
    protected RegistryException(String message) {
        super(message);
    }

    protected RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
