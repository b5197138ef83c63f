package dev.kapsel.host;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where kapsel keeps its state (guest kernels, images, containers): {@code $KAPSEL_STATE_DIR}, else
 * {@code /var/lib/kapsel} for root, else {@code ~/.local/share/kapsel}. bin/lib/common.sh applies the
 * same rule for the shell scripts.
 */
public final class StateDirectory {
    private StateDirectory() {}

    public static Path resolve() {
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
