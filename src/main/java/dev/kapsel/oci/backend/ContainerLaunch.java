package dev.kapsel.oci.backend;

import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import java.nio.file.Path;

/**
 * One process to run in a container: the container's config (root, mounts, resources), the
 * process (the config's own for the container's first process, another for {@code exec}), the root
 * file system resolved against the bundle, the host stdio descriptors it gets, the container's
 * stored state (null when only checking a config) and whether it is an {@code exec} into a running
 * container rather than the container's first process.
 */
public record ContainerLaunch(OciConfig config, OciProcess process, Path rootfs, int stdin, int stdout, int stderr,
                              ContainerHandle container, boolean exec) {
    public static ContainerLaunch of(OciConfig config, Path bundle) {
        return new ContainerLaunch(config, config.process(), rootfs(config, bundle), 0, 1, 2, null, false);
    }

    /** An {@code exec} of {@code p} into this container. */
    public ContainerLaunch withProcess(OciProcess p) {
        return new ContainerLaunch(config, p, rootfs, stdin, stdout, stderr, container, true);
    }

    /** The same launch with all three stdio on one descriptor (a terminal). */
    public ContainerLaunch withStdio(int fd) {
        return new ContainerLaunch(config, process, rootfs, fd, fd, fd, container, exec);
    }

    /** The same launch for the stored container {@code handle}. */
    public ContainerLaunch in(ContainerHandle handle) {
        return new ContainerLaunch(config, process, rootfs, stdin, stdout, stderr, handle, exec);
    }

    public static Path rootfs(OciConfig config, Path bundle) {
        Path p = Path.of(config.root().path());
        return (p.isAbsolute() ? p : bundle.resolve(p)).normalize();
    }
}
