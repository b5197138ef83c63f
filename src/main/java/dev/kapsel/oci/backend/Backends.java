package dev.kapsel.oci.backend;

import dev.kapsel.oci.BackendNotAvailableException;
import dev.kapsel.oci.spec.OciConfig;

/**
 * Chooses the backend for a container from its {@code dev.kapsel.isolation} annotation: {@code sandbox}
 * (the default for now) or {@code vm}, which is not available yet.
 */
public final class Backends {
    public static final String ANNOTATION = "dev.kapsel.isolation";
    public static final String DEFAULT = SandboxBackend.NAME;

    private Backends() {}

    public static ContainerBackend select(OciConfig config) {
        return byName(config.annotations().getOrDefault(ANNOTATION, DEFAULT));
    }

    public static ContainerBackend byName(String name) {
        return switch (name) {
            case SandboxBackend.NAME -> new SandboxBackend();
            case "vm" -> throw new BackendNotAvailableException(
                    ANNOTATION + "=vm: the micro-VM backend is not yet available to the OCI runtime; use " + ANNOTATION + "=sandbox (the default)");
            default -> throw new BackendNotAvailableException(
                    "unknown " + ANNOTATION + " '" + name + "': kapsel has 'sandbox' (and 'vm', not yet)");
        };
    }
}
