package dev.kapsel.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where kapsel keeps its state (guest kernels, images, containers): {@code $KAPSEL_STATE_DIR}, else
 * {@code /var/lib/kapsel} when the effective uid is 0, else {@code $HOME/.local/share/kapsel}.
 * bin/lib/common.sh applies the same rule for the shell scripts ({@code id -u}, {@code $HOME}): a
 * user named root or a sudo that keeps {@code $HOME} must not make the two disagree. The system property {@code kapsel.state.dir}, when set, overrides all
 * of them: tests and embedders use it, since a JVM cannot change its own environment.
 */
public final class StateDirectory {
    private StateDirectory() {}

    /** The system property that overrides the environment (for tests and embedding). */
    public static final String PROPERTY = "kapsel.state.dir";

    public static Path resolve() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        return resolve(System.getenv(), effectiveUid(), System.getProperty("user.home"));
    }

    /** The rule itself; {@code userHome} stands in for an unset {@code $HOME}. */
    static Path resolve(Map<String, String> env, long effectiveUid, String userHome) {
        String configured = env.get("KAPSEL_STATE_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        if (effectiveUid == 0) {
            return Path.of("/var/lib/kapsel");
        }
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? userHome : home, ".local", "share", "kapsel");
    }

    /** What {@code id -u} prints: the second field of the {@code Uid:} line of /proc/self/status. */
    public static long effectiveUid() {
        try {
            return parseEffectiveUid(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
    }

    static long parseEffectiveUid(String status) {
        return status.lines().filter(l -> l.startsWith("Uid:")).findFirst()
                .map(l -> Long.parseLong(l.substring(4).trim().split("\\s+")[1]))
                .orElseThrow(() -> new IllegalStateException("no Uid: line in /proc/self/status"));
    }
}
