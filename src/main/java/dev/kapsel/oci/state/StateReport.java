package dev.kapsel.oci.state;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.host.Confinement;
import java.util.Map;

/**
 * The state of a container as the runtime specification defines it (ociVersion, id, status, pid,
 * bundle, annotations), plus runc's rootfs, created and owner fields that containerd's go-runc reads:
 * the wire format of {@code state} and {@code list}, not the stored record.
 */
@JsonPropertyOrder({"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner", "annotations"})
public record StateReport(String ociVersion, String id, ContainerStatus status, long pid, String bundle,
                          String rootfs, String created, String owner, Map<String, String> annotations) {
    /** The runtime specification version kapsel implements. */
    public static final String OCI_VERSION = "1.0.2";

    /** The record as it stands now: a stopped container shows pid 0. */
    public static StateReport of(ContainerRecord r) {
        ContainerStatus now = r.observedStatus();
        long pid = now == ContainerStatus.STOPPED || r.monitorPid() == null ? 0 : r.monitorPid();
        return new StateReport(OCI_VERSION, r.id(), now, pid, r.bundle(), r.rootfs(), r.created(), "", r.annotations());
    }

    /** The annotation with the running monitor's seccomp mode, as its /proc/PID/status has it (2: filtered). */
    public static final String SECCOMP_ANNOTATION = "dev.kapsel.monitor.seccomp";
    /** The annotation with the running monitor's no_new_privs (1: set). */
    public static final String NO_NEW_PRIVS_ANNOTATION = "dev.kapsel.monitor.no-new-privs";

    /**
     * This report with how its running monitor is confined ({@link Confinement}, read from
     * {@code /proc/PID/status}) added to the annotations: what {@code state} shows; a stopped
     * container, or a monitor the kernel says nothing about, is reported as it is.
     */
    public StateReport withConfinement() {
        if (pid == 0) {
            return this;
        }
        return Confinement.of(pid).map(c -> {
            Map<String, String> with = new java.util.TreeMap<>(annotations);
            with.put(SECCOMP_ANNOTATION, Integer.toString(c.seccomp()));
            with.put(NO_NEW_PRIVS_ANNOTATION, c.noNewPrivs() ? "1" : "0");
            return new StateReport(ociVersion, id, status, pid, bundle, rootfs, created, owner, with);
        }).orElse(this);
    }
}
