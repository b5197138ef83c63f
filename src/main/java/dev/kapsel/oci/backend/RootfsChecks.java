package dev.kapsel.oci.backend;

import dev.kapsel.oci.UnsupportedConfigException;
import dev.kapsel.oci.spec.OciProcess;
import dev.kapsel.sandbox.SandboxConfig;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every backend checks in a container's root file system before {@code create} makes anything:
 * that it is a directory, and that the process's program is in it, found the way execvp would (a
 * path with a slash as is, relative to the working directory; a bare name along the process's PATH).
 */
final class RootfsChecks {
    private RootfsChecks() {}

    /** Throws {@link UnsupportedConfigException} when the container's root is not a directory. */
    static void requireDirectory(Path rootfs) {
        if (!Files.isDirectory(rootfs)) {
            throw new UnsupportedConfigException("root file system " + rootfs + " is not a directory");
        }
    }

    /** Throws {@link UnsupportedConfigException} when the process's program is not in {@code rootfs}. */
    static void requireExecutable(Path rootfs, OciProcess process) {
        String command = process.args().getFirst();
        if (find(rootfs, command, process) == null) {
            throw new UnsupportedConfigException("executable " + command + " not found in the container's root file system"
                    + (command.contains("/") ? "" : " ($PATH)"));
        }
    }

    /** The host path of the program, or null; a symbolic link counts as present. */
    static Path find(Path rootfs, String command, OciProcess process) {
        List<String> candidates = new ArrayList<>();
        if (command.contains("/")) {
            candidates.add((command.startsWith("/") ? "" : process.cwd()) + "/" + command);
        } else {
            String path = process.env().stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).reduce((a, b) -> b)
                    .orElse(SandboxConfig.DEFAULT_ENV.getFirst().substring(5));
            for (String d : path.split(":")) {
                candidates.add((d.isEmpty() ? process.cwd() : d) + "/" + command);
            }
        }
        for (String candidate : candidates) {
            Path p = rootfs.resolve(candidate.replaceAll("^/+", "")).normalize();
            if (p.startsWith(rootfs) && Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
        return null;
    }
}
