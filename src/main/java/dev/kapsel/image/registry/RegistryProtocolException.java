package dev.kapsel.image.registry;

/**
 * The registry's answer breaks the distribution protocol or kapsel's bounds: a manifest too large,
 * too many redirects, an unknown media type, no manifest for the platform, a network failure.
 */
public final class RegistryProtocolException extends RegistryException {
    public RegistryProtocolException(String registry, String reference, String problem) {
        super(registry + ": " + reference + ": " + problem);
    }

    public RegistryProtocolException(String registry, String reference, String problem, Throwable cause) {
        super(registry + ": " + reference + ": " + problem, cause);
    }
}
