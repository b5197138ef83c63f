package dev.kapsel.host;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where kapsel keeps its state (guest kernels, images, containers): {@code $KAPSEL_STATE_DIR}, else
 * {@code /var/lib/kapsel} for root, else {@code ~/.local/share/kapsel}. bin/lib/common.sh applies the
 * same rule for the shell scripts. The system property {@code kapsel.state.dir}, when set, overrides all
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
        return resolve(System.getenv(), System.getProperty("user.name"), System.getProperty("user.home"));
    }

    static Path resolve(Map<String, String> env, String user, String home) {
        String configured = env.get("KAPSEL_STATE_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        if ("root".equals(user)) {
            return Path.of("/var/lib/kapsel");
        }
        return Path.of(home, ".local", "share", "kapsel");
    }
}
