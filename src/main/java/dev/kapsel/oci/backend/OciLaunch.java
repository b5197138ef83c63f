package dev.kapsel.oci.backend;

import dev.kapsel.container.ContainerLaunch.LinuxFeatures;
import dev.kapsel.container.ContainerLaunch.Mount;
import dev.kapsel.container.ContainerLaunch.Process;
import dev.kapsel.container.ContainerLaunch.Resources;
import dev.kapsel.container.ContainerLaunch.Rlimit;
import dev.kapsel.container.ContainerLaunch.RootFs;
import dev.kapsel.container.ContainerLaunch.Stdio;
import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.UnikernelImage;
import dev.kapsel.oci.InvalidConfigException;
import dev.kapsel.oci.spec.Linux;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How an OCI bundle reads as the container service's typed launch ({@link dev.kapsel.container.ContainerLaunch}):
 * the root directory resolved against the bundle, {@code process} (with {@code hostname} for the
 * container's first process), the mounts, the resources from {@code linux.resources} and the Linux
 * features no isolation applies. The one place that reads {@code linux.resources}.
 */
public final class OciLaunch {
    static final String NETWORK = "network";

    private OciLaunch() {}

    /** The container's first process as the bundle describes it, on this process's stdio 0, 1 and 2. */
    public static ContainerLaunch of(OciConfig config, Path bundle) {
        Linux linux = config.linux();
        LinuxFeatures features = linux == null ? LinuxFeatures.NONE : new LinuxFeatures(
                linux.devices().stream().map(Linux.Device::path).toList(),
                linux.seccomp() != null && !linux.seccomp().isNull(),
                linux.namespaces().stream().filter(n -> n.path() != null && !n.path().isEmpty() && !NETWORK.equals(n.type()))
                        .map(n -> n.type() + "=" + n.path()).toList());
        List<Mount> mounts = config.mounts().stream().map(m -> new Mount(m.isBind() ? "bind" : m.type(), m.source(), m.destination(),
                m.options())).toList();
        RootFs root = unikernel(config, bundle).<RootFs>map(u -> unikernelRoot(u, rootfs(config, bundle)))
                .orElseGet(() -> new RootFs.Directory(rootfs(config, bundle), config.root().readonly()));
        return new ContainerLaunch(process(config.process(), config.hostname()), root, mounts, network(linux), resources(config),
                features, Stdio.INHERITED, null);
    }

    /**
     * The unikernel the bundle holds: named by its annotations (kapsel's or urunc's keys), or by urunc's
     * {@code /urunc.json} in its root. The process's args do not change its command line (urunc's rule).
     *
     * @throws InvalidConfigException for unikernel annotations or a urunc.json that cannot be used
     */
    public static Optional<UnikernelImage> unikernel(OciConfig config, Path bundle) {
        try {
            return UnikernelImage.find(config.annotations(), rootfs(config, bundle));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("unikernel: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundle's root: " + e.getMessage(), e);
        }
    }

    private static RootFs unikernelRoot(UnikernelImage image, Path rootfs) {
        try {
            return image.root(rootfs);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("unikernel: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundle's root: " + e.getMessage(), e);
        }
    }

    /**
     * The engine's network namespace, {@code linux.namespaces[type=network].path}, whose interfaces the
     * isolation reads when it starts the container; none without a path. (A network namespace without a
     * path asks for a new, empty one: the guest's own, which has only loopback.)
     */
    static ContainerLaunch.Network network(Linux linux) {
        if (linux == null) {
            return ContainerLaunch.Network.NONE;
        }
        return linux.namespaces().stream().filter(n -> NETWORK.equals(n.type()) && n.path() != null && !n.path().isEmpty())
                .findFirst().map(n -> ContainerLaunch.Network.ofNamespace(Path.of(n.path()))).orElse(ContainerLaunch.Network.NONE);
    }

    /** The process of {@code config.json} or of an {@code exec --process} file. */
    public static Process process(OciProcess p, String hostname) {
        return new Process(p.args(), p.env(), p.cwd(), p.user().uid(), p.user().gid(), p.user().additionalGids(),
                p.rlimits().stream().map(r -> new Rlimit(r.type(), r.soft(), r.hard())).toList(), p.terminal(), hostname);
    }

    public static Path rootfs(OciConfig config, Path bundle) {
        Path p = Path.of(config.root().path());
        return (p.isAbsolute() ? p : bundle.resolve(p)).normalize();
    }

    /** {@code linux.resources.memory.limit} in bytes (0 when unset), and the vCPUs its CPU quota or cpuset gives. */
    static Resources resources(OciConfig config) {
        Linux.Resources r = config.linux() == null ? null : config.linux().resources();
        Long limit = r == null || r.memory() == null ? null : r.memory().limit();
        int vcpus = 1;
        Linux.Cpu cpu = r == null ? null : r.cpu();
        if (cpu != null) {
            if (cpu.quota() != null && cpu.quota() > 0 && cpu.period() != null && cpu.period() > 0) {
                vcpus = (int) Math.min(Integer.MAX_VALUE, (cpu.quota() + cpu.period() - 1) / cpu.period());
            } else if (cpu.cpus() != null && !cpu.cpus().isBlank()) {
                vcpus = cpusetSize(cpu.cpus());
            }
        }
        return new Resources(vcpus, limit == null || limit <= 0 ? 0 : limit);
    }

    /** The number of CPUs in a cpuset list such as {@code 0-3,6}; 1 if it cannot be read. */
    static int cpusetSize(String list) {
        int n = 0;
        try {
            for (String part : list.strip().split(",")) {
                String[] range = part.strip().split("-", 2);
                int lo = Integer.parseInt(range[0].strip());
                int hi = range.length == 2 ? Integer.parseInt(range[1].strip()) : lo;
                if (lo < 0 || hi < lo || hi - lo >= 4096) {
                    return 1;
                }
                n += hi - lo + 1;
            }
        } catch (NumberFormatException e) {
            return 1;
        }
        return Math.max(1, n);
    }
}
