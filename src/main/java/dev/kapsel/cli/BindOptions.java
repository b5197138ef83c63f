package dev.kapsel.cli;

import dev.kapsel.container.ContainerLaunch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kapsel run}'s host binds, Docker's two spellings: {@code -v HOSTDIR:CTRDIR[:ro|rw]} and
 * {@code --mount type=bind,source=HOSTDIR,target=CTRDIR[,readonly]}, as OCI bind mounts
 * ({@code rbind}, plus {@code ro}). The host side must exist (a directory, or a single file) and the
 * container side be absolute, checked here so nothing starts for a typo. Messages name the flag.
 */
final class BindOptions {
    private BindOptions() {}

    /** Parses {@code -v HOSTDIR:CTRDIR[:OPTIONS]}, OPTIONS a comma list of ro and rw. */
    static ContainerLaunch.Mount volume(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("-v " + spec + ": the syntax is HOSTDIR:CTRDIR[:ro]");
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            for (String o : parts[2].split(",")) {
                switch (o) {
                    case "ro" -> readOnly = true;
                    case "rw" -> readOnly = false;
                    default -> throw new IllegalArgumentException("-v " + spec + ": unknown option '" + o + "' (ro or rw)");
                }
            }
        }
        return bind("-v " + spec, parts[0], parts[1], readOnly);
    }

    /** Parses {@code --mount type=bind,source=S,target=T[,readonly]} (src/dst and destination also accepted). */
    static ContainerLaunch.Mount mount(String spec) {
        String type = null;
        String source = null;
        String target = null;
        boolean readOnly = false;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? null : part.substring(eq + 1);
            switch (key) {
                case "type" -> type = value;
                case "source", "src" -> source = value;
                case "target", "destination", "dst" -> target = value;
                case "readonly", "ro" -> readOnly = value == null || value.equals("true") || value.equals("1");
                default -> throw new IllegalArgumentException("--mount " + spec + ": unknown key '" + key
                        + "' (type, source, target, readonly)");
            }
        }
        if (!"bind".equals(type)) {
            throw new IllegalArgumentException("--mount " + spec + ": only type=bind is supported");
        }
        if (source == null || target == null) {
            throw new IllegalArgumentException("--mount " + spec + ": needs source= and target=");
        }
        return bind("--mount " + spec, source, target, readOnly);
    }

    private static ContainerLaunch.Mount bind(String flag, String source, String target, boolean readOnly) {
        Path host = Path.of(source).toAbsolutePath().normalize();
        if (!Files.isDirectory(host) && !Files.isRegularFile(host)) {
            throw new IllegalArgumentException(flag + ": the host path " + host + " does not exist");
        }
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException(flag + ": the container path '" + target + "' must be absolute");
        }
        List<String> options = new ArrayList<>(List.of("rbind"));
        options.add(readOnly ? "ro" : "rw");
        return new ContainerLaunch.Mount("bind", host.toString(), target, options);
    }
}
