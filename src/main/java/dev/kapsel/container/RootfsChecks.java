package dev.kapsel.container;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every isolation checks in a container's root file system before anything is made: that it is
 * a directory, and that the process's program is in it, found the way execvp would (a path with a
 * slash as is, relative to the working directory; a bare name along the process's PATH).
 */
final class RootfsChecks {
    private RootfsChecks() {}

    static void requireDirectory(Path rootfs) throws ContainerStartException.Unsupported {
        if (!Files.isDirectory(rootfs)) {
            throw new ContainerStartException.Unsupported("root file system " + rootfs + " is not a directory");
        }
    }

    static void requireExecutable(Path rootfs, ContainerLaunch.Process process) throws ContainerStartException.Unsupported {
        String command = process.args().getFirst();
        if (find(rootfs, command, process) == null) {
            throw new ContainerStartException.Unsupported("executable " + command + " not found in the container's root file system"
                    + (command.contains("/") ? "" : " ($PATH)"));
        }
    }

    /** The host path of the program, or null; a symbolic link counts as present. */
    static Path find(Path rootfs, String command, ContainerLaunch.Process process) {
        List<String> candidates = new ArrayList<>();
        if (command.contains("/")) {
            candidates.add((command.startsWith("/") ? "" : process.cwd()) + "/" + command);
        } else {
            for (String d : process.searchPath().split(":")) {
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
