package dev.kapsel.container;

import dev.kapsel.agent.ExitStatus;
import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import dev.kapsel.sandbox.SandboxConfig;
import dev.kapsel.sandbox.SandboxLimits;
import dev.kapsel.sandbox.net.NetworkMode;
import dev.kapsel.sys.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * kapsel's KVM user-mode sandbox ({@link dev.kapsel.sandbox.Sandbox}): an image's root as the
 * read-only lower layer with a writable layer in memory ({@code kapsel run}), or an engine bundle's
 * root directory written through, so the engine sees what the container wrote ({@code podman cp},
 * {@code podman diff}); bind mounts of host directories and files in the sandbox's mount table
 * ({@code ro} refused on the host side), {@code /proc} and {@code /dev} served by the sandbox,
 * memory bounded by the launch (256 MiB when unset). Every process, the container's first
 * and each {@code exec}, gets a sandbox of its own over the same root: writes of one are not seen by
 * another. It cannot deliver signals into the running program (the host process's default actions
 * end it), and it runs every program as uid 0. When the config names a network namespace the program's
 * TCP and UDP sockets are host sockets created in it, so the engine's interfaces and published ports apply.
 */
final class SandboxIsolation implements Isolation {
    static final long MIN_MEMORY = 8L << 20;
    static final long MAX_MEMORY = 2L << 30;
    /** Mount types whose effect the sandbox provides: its own /proc and /dev, tmpfs as the in-memory writable layer. */
    private static final Set<String> PROVIDED = Set.of("proc", "tmpfs", "devtmpfs");
    private static final MountLimitations MOUNTS = new MountLimitations(
            m -> !m.isBind() && (PROVIDED.contains(m.type()) || m.destination().equals("/dev")), true, true,
            "the sandbox mounts host files and directories only",
            "the sandbox provides only /proc, /dev and tmpfs-like writes",
            "writes go to the sandbox's in-memory layer and are discarded at exit, or to the bundle's root",
            "the sandbox's /dev has null, zero, random, urandom, tty only",
            "the sandbox's system-call table is the whole surface; the profile is not applied",
            "a sandbox shares nothing with host processes");

    @Override
    public IsolationKind kind() {
        return IsolationKind.SANDBOX;
    }

    @Override
    public boolean deliversSignals() {
        return false;
    }

    @Override
    public void check(ContainerLaunch launch) throws ContainerStartException.Unsupported {
        if (launch.root() instanceof ContainerLaunch.RootFs.Unikernel u) {
            throw new ContainerStartException.Unsupported("the image is a unikernel (" + u.kernel().getFileName()
                    + "): it boots with the unikernel isolation, not in the sandbox");
        }
        Path root = tree(launch);
        RootfsChecks.requireDirectory(root);
        long limit = launch.resources().memoryBytes();
        if (limit > 0 && limit < MIN_MEMORY) {
            throw new ContainerStartException.Unsupported("memory limit " + limit + " bytes is below the sandbox's minimum of 8 MiB");
        }
        RootfsChecks.requireExecutable(root, launch.process());
        if (KvmProbe.quickKind() == KvmKind.NONE) {
            throw new ContainerStartException.Unsupported("the sandbox needs /dev/kvm, which is missing or not accessible");
        }
        ContainerLaunch.Network network = launch.network();
        if (ContainerLaunch.Network.MODE_NAMESPACE.equals(network.mode()) && !Files.exists(network.namespace())) {
            throw new ContainerStartException.Unsupported("the network namespace " + network.namespace()
                    + " named by the config does not exist");
        }
    }

    private static Path tree(ContainerLaunch launch) throws ContainerStartException.Unsupported {
        Path root = launch.root().tree();
        if (root == null) {
            throw new ContainerStartException.Unsupported("the sandbox needs the root as a directory, not only a disk image");
        }
        return root;
    }

    @Override
    public List<Limitation> limitations(ContainerLaunch launch) {
        List<Limitation> out = new java.util.ArrayList<>();
        ContainerLaunch.Process p = launch.process();
        if (!p.isRoot()) {
            out.add(new Limitation(Limitation.Kind.USER, "user " + p.uid() + ":" + p.gid() + " (the sandbox runs every program as uid 0)"));
        }
        if (!p.rlimits().isEmpty()) {
            out.add(new Limitation(Limitation.Kind.RLIMITS, "rlimits " + String.join(",", p.rlimits().stream()
                    .map(ContainerLaunch.Rlimit::type).toList()) + " (the sandbox's memory and writable-layer limits bound the program instead)"));
        }
        out.addAll(MOUNTS.of(launch));
        if (launch.resources().memoryBytes() > MAX_MEMORY) {
            out.add(new Limitation(Limitation.Kind.MEMORY, "memory limit " + (launch.resources().memoryBytes() >> 20)
                    + " MiB (the sandbox caps memory at " + (MAX_MEMORY >> 20) + " MiB)"));
        }
        if (!launch.network().isNone() && networkMode(launch.network()) == NetworkMode.NONE) {
            out.add(new Limitation(Limitation.Kind.NETWORK, "network " + launch.network().mode()
                    + " (the sandbox joins only a network namespace the engine made)"));
        }
        return out;
    }

    /**
     * The sandbox's network: the engine's namespace when the config names one (the program's sockets are
     * created in it), else none.
     */
    static NetworkMode networkMode(ContainerLaunch.Network network) {
        return ContainerLaunch.Network.MODE_NAMESPACE.equals(network.mode())
                ? new NetworkMode.Namespace(network.namespace()) : NetworkMode.NONE;
    }

    /**
     * The sandbox's configuration: process, environment (with the default PATH), cwd, stdio, memory,
     * network, every bind of a host directory or file, and for a bundle's root directory (an engine's
     * overlay mount, {@link ContainerLaunch.RootFs.Directory}) writes through to it.
     */
    static SandboxConfig config(ContainerLaunch launch, int stdin, int stdout, int stderr) throws ContainerStartException.Unsupported {
        long limit = launch.resources().memoryBytes();
        long memory = limit <= 0 ? SandboxLimits.DEFAULT_MEMORY : Math.min(MAX_MEMORY, limit) & ~((1L << 20) - 1);
        ContainerLaunch.Process p = launch.process();
        return new SandboxConfig(tree(launch), p.args(), p.envWithPath(), p.cwd(), stdin, stdout, stderr,
                new SandboxLimits(memory, memory), null).withNetwork(networkMode(launch.network())).withHostname(p.hostname()).withBinds(binds(launch.mounts()))
                .withWriteThrough(launch.root() instanceof ContainerLaunch.RootFs.Directory d && !d.readonly());
    }

    /** The binds of host directories and files, in the config's order; anything else a bind names is reported, not mounted. */
    static List<SandboxConfig.Bind> binds(List<ContainerLaunch.Mount> mounts) {
        List<SandboxConfig.Bind> out = new java.util.ArrayList<>();
        for (ContainerLaunch.Mount m : mounts) {
            if (m.isBind() && (MountLimitations.isDirectory(m) || MountLimitations.isFile(m))) {
                out.add(new SandboxConfig.Bind(Path.of(m.source()), Path.of(m.destination()).normalize().toString(), m.readOnly()));
            }
        }
        return out;
    }

    @Override
    public RunningContainer start(ContainerLaunch launch) throws ContainerStartException {
        return SandboxContainer.start(launch);
    }

    /** The sandbox has no agent to reach: an exec is a sandbox of its own over the container's root. */
    @Override
    public RunningContainer exec(ContainerLaunch launch, Path agentSocket) throws ContainerStartException {
        return SandboxContainer.start(launch.withProcess(launch.process().withoutHostname()));
    }

    /** {@code /dev/null} opened for reading: the stdin of a container that has none. */
    static int devNull() {
        return Libc.open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
    }

    static ExitStatus status(int shellStatus, int signal) {
        return signal != 0 ? ExitStatus.killedBy(signal) : ExitStatus.exited(shellStatus);
    }
}
