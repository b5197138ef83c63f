package dev.kapsel.image.registry;

/** Authentication failed: the token service refused the credentials, or the registry refused the token or password. */
public final class RegistryAuthException extends RegistryException {
    public RegistryAuthException(String registry, String reference, String problem) {
        super(registry + ": " + reference + ": " + problem);
    }
}
