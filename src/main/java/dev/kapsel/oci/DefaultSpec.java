package dev.kapsel.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapsel.oci.state.StateReport;

/**
 * The config.json {@code spec} writes: runc 1.1's {@code runc spec} field for field ({@code sh} on a
 * terminal as root in {@code rootfs/}, the usual kernel file systems, namespaces, masked paths),
 * except {@code hostname} ("kapsel") and the {@code dev.kapsel.isolation} annotation. {@link #rootless}
 * applies runc's {@code --rootless} changes (libcontainer/specconv {@code ToRootless}).
 */
public final class DefaultSpec {
    private static final ObjectMapper JSON = Json.FOREIGN;

    private DefaultSpec() {}

    public static String json() {
        return """
            {
              "ociVersion": "%s",
              "process": {
                "terminal": true,
                "user": {"uid": 0, "gid": 0},
                "args": ["sh"],
                "env": ["%s", "TERM=xterm"],
                "cwd": "/",
                "capabilities": {
                  "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                  "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                  "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                  "ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
                },
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "noNewPrivileges": true
              },
              "root": {"path": "rootfs", "readonly": true},
              "hostname": "kapsel",
              "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
                {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
                {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
              ],
              "annotations": {"dev.kapsel.isolation": "sandbox"},
              "linux": {
                "resources": {"devices": [{"allow": false, "access": "rwm"}]},
                "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
                "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                  "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
              }
            }
            """.formatted(StateReport.OCI_VERSION, dev.kapsel.host.DefaultPath.ENV);
    }

    /**
     * The default spec made rootless as runc's {@code spec --rootless} does: no network (or user)
     * namespace but a new user namespace mapping container root to {@code uid}/{@code gid}, {@code /sys}
     * bind-mounted instead of a new sysfs, no {@code uid=}/{@code gid=} mount options, no cgroup resources.
     */
    public static String rootless(long uid, long gid) {
        try {
            ObjectNode spec = (ObjectNode) JSON.readTree(json());
            ObjectNode linux = (ObjectNode) spec.get("linux");
            ArrayNode namespaces = JSON.createArrayNode();
            for (JsonNode ns : linux.get("namespaces")) {
                String type = ns.get("type").asText();
                if (!type.equals("network") && !type.equals("user")) {
                    namespaces.add(ns);
                }
            }
            namespaces.addObject().put("type", "user");
            linux.set("namespaces", namespaces);
            linux.remove("resources");
            linux.set("uidMappings", JSON.createArrayNode().add(mapping(uid)));
            linux.set("gidMappings", JSON.createArrayNode().add(mapping(gid)));
            ArrayNode mounts = JSON.createArrayNode();
            for (JsonNode m : spec.get("mounts")) {
                ObjectNode mount = (ObjectNode) m;
                if (mount.get("destination").asText().equals("/sys")) {
                    mount = JSON.createObjectNode().put("destination", "/sys").put("type", "none").put("source", "/sys");
                    mount.putArray("options").add("rbind").add("nosuid").add("noexec").add("nodev").add("ro");
                } else if (mount.has("options")) {
                    ArrayNode kept = JSON.createArrayNode();
                    mount.get("options").forEach(o -> {
                        if (!o.asText().startsWith("uid=") && !o.asText().startsWith("gid=")) {
                            kept.add(o);
                        }
                    });
                    mount.set("options", kept);
                }
                mounts.add(mount);
            }
            spec.set("mounts", mounts);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(spec) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the default spec is not valid JSON", e);
        }
    }

    private static ObjectNode mapping(long hostId) {
        return JSON.createObjectNode().put("containerID", 0).put("hostID", hostId).put("size", 1);
    }
}
