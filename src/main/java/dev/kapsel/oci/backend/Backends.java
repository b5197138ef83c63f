package dev.kapsel.oci.backend;

import dev.kapsel.container.IsolationKind;
import dev.kapsel.oci.BackendNotAvailableException;
import dev.kapsel.oci.spec.OciConfig;

/**
 * Chooses the isolation of an OCI container: its {@code dev.kapsel.isolation} annotation ({@code vm}
 * or {@code sandbox}) when given, else {@link IsolationKind#defaultForHost()}.
 */
public final class Backends {
    public static final String ANNOTATION = "dev.kapsel.isolation";

    private Backends() {}

    /** The default isolation's name (for {@code features}). */
    public static String defaultName() {
        return IsolationKind.defaultForHost().id();
    }

    public static IsolationKind select(OciConfig config) {
        String name = config.annotations().get(ANNOTATION);
        return name != null ? byName(name) : IsolationKind.defaultForHost();
    }

    public static IsolationKind byName(String name) {
        return IsolationKind.byId(name).orElseThrow(() -> new BackendNotAvailableException(
                "unknown " + ANNOTATION + " '" + name + "': kapsel has " + IsolationKind.names()));
    }
}
