package dev.kapsel.agent;

import java.util.List;
import java.util.Locale;

/**
 * A resource limit for a process: Linux's resource number (as setrlimit(2) takes it) with soft and
 * hard values, where {@link #UNLIMITED} is RLIM_INFINITY. Values are unsigned 64-bit on the wire.
 */
public record Rlimit(int resource, long soft, long hard) {
    /** RLIM_INFINITY. */
    public static final long UNLIMITED = -1L;

    /** Linux's resource names in number order (asm-generic/resource.h, x86). */
    private static final List<String> NAMES = List.of("CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC",
            "NOFILE", "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME");

    public Rlimit {
        if (resource < 0 || resource >= NAMES.size()) {
            throw new IllegalArgumentException("unknown rlimit resource " + resource);
        }
        if (Long.compareUnsigned(soft, hard) > 0) {
            throw new IllegalArgumentException("RLIMIT_" + NAMES.get(resource) + ": soft limit " + Long.toUnsignedString(soft)
                    + " is above the hard limit " + Long.toUnsignedString(hard));
        }
    }

    /** The limit named as in the OCI runtime spec ({@code RLIMIT_NOFILE}) or without the prefix. */
    public static Rlimit of(String name, long soft, long hard) {
        String n = name.toUpperCase(Locale.ROOT);
        n = n.startsWith("RLIMIT_") ? n.substring("RLIMIT_".length()) : n;
        int resource = NAMES.indexOf(n);
        if (resource < 0) {
            throw new IllegalArgumentException("unknown rlimit " + name + "; Linux has RLIMIT_" + String.join(", RLIMIT_", NAMES));
        }
        return new Rlimit(resource, soft, hard);
    }

    /** The resource's name, e.g. {@code RLIMIT_NOFILE}. */
    public String name() {
        return "RLIMIT_" + NAMES.get(resource);
    }
}
