package dev.kapsel.oci.backend;

import dev.kapsel.container.GuestAssets;
import dev.kapsel.host.Installation;
import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.oci.BackendNotAvailableException;
import dev.kapsel.oci.spec.OciConfig;

/**
 * Chooses the backend for a container: its {@code dev.kapsel.isolation} annotation ({@code vm} or
 * {@code sandbox}) when given, else {@link #defaultName()}.
 */
public final class Backends {
    public static final String ANNOTATION = "dev.kapsel.isolation";

    private Backends() {}

    /**
     * {@code vm} where a micro-VM boots at a useful speed (KVM that is not the nested paravirtual
     * {@code kvm_pvm}, which includes the nested harness's real SVM KVM) and its kernel and agent are
     * installed; {@code sandbox} otherwise. File checks only ({@link KvmProbe#quickKind()}), no timing.
     */
    public static String defaultName() {
        boolean bootsLinux = KvmProbe.quickKind() == KvmKind.HARDWARE
                && GuestAssets.find(StateDirectory.resolve(), Installation.repository()).isPresent();
        return bootsLinux ? VmBackend.NAME : SandboxBackend.NAME;
    }

    public static ContainerBackend select(OciConfig config) {
        String name = config.annotations().get(ANNOTATION);
        return byName(name != null ? name : defaultName());
    }

    public static ContainerBackend byName(String name) {
        return switch (name) {
            case SandboxBackend.NAME -> new SandboxBackend();
            case VmBackend.NAME -> new VmBackend();
            default -> throw new BackendNotAvailableException(
                    "unknown " + ANNOTATION + " '" + name + "': kapsel has 'vm' and 'sandbox'");
        };
    }
}
