package dev.kapsel.oci.state;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
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
}
