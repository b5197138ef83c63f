package dev.kapsel.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a process is confined, as {@code /proc/<pid>/status} says: its seccomp mode (0 none, 1 strict,
 * 2 filter), how many filters it has, and whether it has no_new_privs. What {@code kapsel ps
 * --confinement} and {@code kapsel-runc state} report for a running monitor.
 */
public record Confinement(int seccomp, int filters, boolean noNewPrivs) {
    public static final int SECCOMP_FILTER = 2;

    /** The confinement of process {@code pid}; empty when it is gone or the kernel does not say. */
    public static Optional<Confinement> of(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /** The fields of a {@code /proc/<pid>/status} text; empty when it has no Seccomp line (a kernel without CONFIG_SECCOMP). */
    static Optional<Confinement> parse(String status) {
        Integer seccomp = null;
        int filters = 0;
        boolean nnp = false;
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 1).trim();
            switch (line.substring(0, colon)) {
                case "Seccomp" -> seccomp = Integer.parseInt(value);
                case "Seccomp_filters" -> filters = Integer.parseInt(value);
                case "NoNewPrivs" -> nnp = value.equals("1");
                default -> { }
            }
        }
        return seccomp == null ? Optional.empty() : Optional.of(new Confinement(seccomp, filters, nnp));
    }

    public boolean filtered() {
        return seccomp == SECCOMP_FILTER;
    }

    /** One line: "seccomp filter (1), no_new_privs" or "seccomp none, new privileges allowed". */
    public String summary() {
        String mode = switch (seccomp) {
            case 0 -> "seccomp none";
            case 1 -> "seccomp strict";
            case SECCOMP_FILTER -> "seccomp filter (" + filters + ")";
            default -> "seccomp mode " + seccomp;
        };
        return mode + ", " + (noNewPrivs ? "no_new_privs" : "new privileges allowed");
    }
}
