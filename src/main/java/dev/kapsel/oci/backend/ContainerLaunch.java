package dev.kapsel.oci.backend;

import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import java.nio.file.Path;

/**
 * One process to run in a container: the container's config (root, mounts, resources), the
 * process (the config's own for the container's first process, another for {@code exec}), the root
 * file system resolved against the bundle, and the host stdio descriptors it gets.
 */
public record ContainerLaunch(OciConfig config, OciProcess process, Path rootfs, int stdin, int stdout, int stderr) {
    public static ContainerLaunch of(OciConfig config, Path bundle) {
        return new ContainerLaunch(config, config.process(), rootfs(config, bundle), 0, 1, 2);
    }

    public ContainerLaunch withProcess(OciProcess p) {
        return new ContainerLaunch(config, p, rootfs, stdin, stdout, stderr);
    }

    public static Path rootfs(OciConfig config, Path bundle) {
        Path p = Path.of(config.root().path());
        return (p.isAbsolute() ? p : bundle.resolve(p)).normalize();
    }
}
