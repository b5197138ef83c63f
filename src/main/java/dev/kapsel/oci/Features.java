package dev.kapsel.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapsel.oci.backend.Backends;
import dev.kapsel.oci.state.StateReport;

/**
 * The runtime specification's features document ({@code kapsel features}): what this runtime accepts.
 * Namespaces, cgroups, seccomp, AppArmor and SELinux are not host features here: the container runs in
 * an isolation of its own. The {@code dev.kapsel.*} annotations say which isolations exist.
 */
public final class Features {
    private Features() {}

    public static ObjectNode json() {
        ObjectMapper m = Json.FOREIGN;
        ObjectNode root = m.createObjectNode();
        root.put("ociVersionMin", "1.0.0");
        root.put("ociVersionMax", StateReport.OCI_VERSION);
        root.set("hooks", m.createArrayNode());
        ArrayNode mountOptions = root.putArray("mountOptions");
        for (String o : new String[] {"bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec"}) {
            mountOptions.add(o);
        }
        ObjectNode linux = root.putObject("linux");
        ArrayNode ns = linux.putArray("namespaces");
        for (String n : new String[] {"pid", "network", "ipc", "uts", "mount", "user", "cgroup"}) {
            ns.add(n);
        }
        linux.putArray("capabilities");
        ObjectNode cgroup = linux.putObject("cgroup");
        cgroup.put("v1", false);
        cgroup.put("v2", false);
        cgroup.put("systemd", false);
        cgroup.put("systemdUser", false);
        linux.putObject("seccomp").put("enabled", false);
        linux.putObject("apparmor").put("enabled", false);
        linux.putObject("selinux").put("enabled", false);
        ObjectNode annotations = root.putObject("annotations");
        annotations.put("dev.kapsel.isolation.default", Backends.defaultName());
        annotations.put("dev.kapsel.isolation.sandbox", "available: KVM user-mode sandbox, static x86-64 programs, Java system-call layer");
        annotations.put("dev.kapsel.isolation.unikernel", "available: an image's own unikernel (Xen PVH, Multiboot v1, ELF64,"
                + " Linux) booted in a micro-VM, chosen by dev.kapsel.unikernel.* or com.urunc.unikernel.* annotations or /urunc.json");
        annotations.put("dev.kapsel.isolation.vm", "available where KVM boots Linux at hardware speed: a micro-VM per container, the guest agent runs the process");
        return root;
    }
}
