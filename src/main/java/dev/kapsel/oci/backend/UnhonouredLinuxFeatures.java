package dev.kapsel.oci.backend;

import dev.kapsel.oci.spec.Linux;
import java.util.List;

/**
 * The {@code linux} features no backend applies inside its isolation (devices, a seccomp profile,
 * namespaces to join), reported the same way by each with the backend's own reason in parentheses.
 */
record UnhonouredLinuxFeatures(String devicesReason, String seccompReason, String namespacesReason) {
    /** Adds one line per feature {@code linux} asks for (nothing for a null {@code linux}). */
    void addTo(Linux linux, List<String> out) {
        if (linux == null) {
            return;
        }
        if (!linux.devices().isEmpty()) {
            out.add(linux.devices().size() + " device(s) " + String.join(",", linux.devices().stream().map(Linux.Device::path).toList())
                    + " (" + devicesReason + ")");
        }
        if (linux.seccomp() != null && !linux.seccomp().isNull()) {
            out.add("seccomp profile (" + seccompReason + ")");
        }
        List<String> joined = linux.namespaces().stream().filter(n -> n.path() != null && !n.path().isEmpty())
                .map(n -> n.type() + "=" + n.path()).toList();
        if (!joined.isEmpty()) {
            out.add("joining namespaces " + String.join(" ", joined) + " (" + namespacesReason + ")");
        }
    }
}
