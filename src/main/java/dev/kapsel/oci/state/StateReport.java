package dev.kapsel.oci.state;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * The state of a container as the runtime specification defines it (ociVersion, id, status, pid,
 * bundle, annotations), plus runc's rootfs, created and owner fields that containerd's go-runc reads.
 */
@JsonPropertyOrder({"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner", "annotations"})
public record StateReport(String ociVersion, String id, ContainerStatus status, long pid, String bundle,
                          String rootfs, String created, String owner, Map<String, String> annotations) {
    /** The runtime specification version kapsel implements. */
    public static final String OCI_VERSION = "1.0.2";
}
