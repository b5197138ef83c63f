package dev.kapsel.oci.backend;

import dev.kapsel.container.IsolationKind;
import dev.kapsel.oci.BackendNotAvailableException;
import dev.kapsel.oci.spec.OciConfig;

/**
 * Chooses the isolation of an OCI container: its {@code dev.kapsel.isolation} annotation ({@code vm},
 * {@code sandbox} or {@code unikernel}) when given; else {@code unikernel} for a bundle that is one
 * (unikernel annotations, or urunc's {@code /urunc.json} in its root: {@link OciLaunch#unikernel}); else
 * {@link IsolationKind#defaultForHost()}.
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

    /** {@link #select(OciConfig)} for the bundle at {@code bundle}, whose root may hold a unikernel. */
    public static IsolationKind select(OciConfig config, java.nio.file.Path bundle) {
        if (config.annotations().get(ANNOTATION) == null && OciLaunch.unikernel(config, bundle).isPresent()) {
            return IsolationKind.UNIKERNEL;
        }
        return select(config);
    }

    public static IsolationKind byName(String name) {
        return IsolationKind.byId(name).orElseThrow(() -> new BackendNotAvailableException(
                "unknown " + ANNOTATION + " '" + name + "': kapsel has " + IsolationKind.names()));
    }
}
