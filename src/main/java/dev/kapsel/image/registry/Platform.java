package dev.kapsel.image.registry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An image platform, {@code os/architecture[/variant]} as {@code --platform} and the index's
 * {@code platform} objects give it. A wanted platform without a variant matches any variant.
 */
public record Platform(String os, String architecture, String variant) {
    /** What kapsel runs: its micro-VMs and sandbox are x86-64 Linux. */
    public static final Platform DEFAULT = new Platform("linux", "amd64", null);

    /** Parses {@code linux/amd64} or {@code linux/arm64/v8}. */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts.length == 3 && parts[2].isEmpty()) {
            throw new IllegalArgumentException("platform '" + text + "' is not os/architecture[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    static Platform of(JsonNode platform) {
        String variant = platform.path("variant").asText("");
        return new Platform(platform.path("os").asText(""), platform.path("architecture").asText(""), variant.isEmpty() ? null : variant);
    }

    boolean matches(Platform offered) {
        return os.equals(offered.os) && architecture.equals(offered.architecture) && (variant == null || variant.equals(offered.variant));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
