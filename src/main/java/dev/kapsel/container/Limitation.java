package dev.kapsel.container;

/**
 * Something a launch asks for that an {@link Isolation} will not honour, as a kind (for callers and
 * tests that decide by it) and one line saying what and why (for the user).
 */
public record Limitation(Kind kind, String line) {
    public enum Kind { USER, RLIMITS, HOSTNAME, READONLY_ROOT, BIND_MOUNTS, OTHER_MOUNTS, DEVICES, SECCOMP,
        NAMESPACES, MEMORY, NETWORK }

    @Override
    public String toString() {
        return line;
    }
}
