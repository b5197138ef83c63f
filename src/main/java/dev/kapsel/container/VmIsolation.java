package dev.kapsel.container;

import dev.kapsel.agent.AgentClient;
import dev.kapsel.agent.NetworkConfig;
import dev.kapsel.agent.ProcessSpec;
import dev.kapsel.agent.Rlimit;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.container.bridge.AddressPool;
import dev.kapsel.container.bridge.BridgeException;
import dev.kapsel.container.bridge.BridgeNetwork;
import dev.kapsel.container.bridge.NetworkFiles;
import dev.kapsel.host.Installation;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.RootfsBuilder;
import dev.kapsel.sys.Terminal;
import dev.kapsel.vmm.SharedDirConfig;
import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.VmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A micro-VM per container ({@link MicroVmContainer}): the stock kernel with the container initramfs,
 * the root as a read-only ext4 disk under a tmpfs overlay (an image's cached disk, or one built from a
 * root directory into the launch's scratch directory, with single-file bind mounts such as
 * {@code /etc/hosts} copied into it), the NICs of an engine's network namespace joined to taps
 * ({@link NamespaceAttachment}) and configured by the agent, bind mounts of host directories shared
 * over virtio-fs (one device each, mounted by the agent at their destinations before the process
 * starts), and the guest agent starting the process.
 */
final class VmIsolation implements Isolation {
    /** Below this the guest kernel, its initramfs and the agent leave the container nothing. */
    static final long MIN_MEMORY_MIB = 128;
    static final long DEFAULT_MEMORY_MIB = 256;
    static final String DISK = "rootfs.ext4";
    /** The container's own initramfs (the cached one with its /etc files appended), in its scratch directory. */
    static final String INITRAMFS = "initramfs.cpio.gz";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Mounts the guest makes itself (container initramfs), by type and destination. */
    private static final Set<String> GUEST_MOUNTS = Set.of("proc:/proc", "sysfs:/sys", "tmpfs:/dev", "devtmpfs:/dev",
            "devpts:/dev/pts", "tmpfs:/dev/shm", "tmpfs:/tmp", "mqueue:/dev/mqueue", "bind:/dev/shm");
    private static final MountLimitations MOUNTS = new MountLimitations(
            m -> GUEST_MOUNTS.contains((m.isBind() ? "bind" : m.type()) + ":" + m.destination()), true, true,
            "only host files (copied into the root image) and directories (shared over virtio-fs) can be bound",
            "the guest mounts its own /proc, /sys, /dev, /dev/pts, /dev/shm, /dev/mqueue and /tmp",
            "the guest's root is the image under a writable in-memory overlay",
            "the guest's /dev is its own devtmpfs",
            "the VM is the boundary; the profile is not applied inside the guest",
            "the VM has its own kernel");

    @Override
    public IsolationKind kind() {
        return IsolationKind.VM;
    }

    @Override
    public boolean deliversSignals() {
        return true;
    }

    @Override
    public void check(ContainerLaunch launch) throws ContainerStartException.Unsupported {
        switch (launch.root()) {
            case ContainerLaunch.RootFs.Directory d -> {
                RootfsChecks.requireDirectory(d.path());
                RootfsChecks.requireExecutable(d.path(), launch.process());
            }
            case ContainerLaunch.RootFs.ImageDisk d -> {
                if (!Files.isRegularFile(d.disk())) {
                    throw new ContainerStartException.Unsupported("root image " + d.disk() + " is missing");
                }
            }
            case ContainerLaunch.RootFs.Unikernel u -> throw new ContainerStartException.Unsupported(
                    "the image is a unikernel (" + u.kernel().getFileName() + "): it boots with the unikernel isolation, not a Linux guest");
        }
        ContainerLaunch.Network network = launch.network();
        if (ContainerLaunch.Network.MODE_NAMESPACE.equals(network.mode()) && !Files.exists(network.namespace())) {
            // create refuses it at once; the namespace's interfaces are read at start, when the VM boots
            throw new ContainerStartException.Unsupported(NamespaceAttachment.missing(network.namespace()));
        }
        if (!IsolationKind.vmBootsHere()) {
            throw new ContainerStartException.Unsupported("a micro-VM cannot boot here at a useful speed (no /dev/kvm, or the"
                    + " nested paravirtual kvm_pvm): use the sandbox isolation, or run inside the nested harness (harness/run)");
        }
        try {
            GuestAssets.locate(StateDirectory.resolve(), Installation.repository());
            spawnRequest(launch.process(), TerminalSize.DEFAULT, true);
        } catch (ContainerStartException.AssetsMissing | IllegalArgumentException e) {
            throw new ContainerStartException.Unsupported(e.getMessage());
        }
    }

    @Override
    public List<Limitation> limitations(ContainerLaunch launch) {
        List<Limitation> out = MOUNTS.of(launch);
        long asked = launch.resources().memoryBytes();
        if (asked > 0 && (asked < MIN_MEMORY_MIB << 20 || asked > VmConfig.MAX_MEMORY_MIB << 20)) {
            out.add(new Limitation(Limitation.Kind.MEMORY, "memory limit " + (asked >> 20) + " MiB (the VM gets "
                    + memoryMib(launch.resources()) + " MiB: VMs have " + MIN_MEMORY_MIB + "-" + VmConfig.MAX_MEMORY_MIB
                    + " MiB, the guest kernel included)"));
        }
        if (!launch.network().isNone() && !launch.network().isBridge()
                && !ContainerLaunch.Network.MODE_NAMESPACE.equals(launch.network().mode())) {
            out.add(new Limitation(Limitation.Kind.NETWORK, "network " + launch.network().mode()
                    + " (micro-VMs join an engine's network namespace or kapsel's bridge)"));
        }
        return out;
    }

    /** The VM's memory: the limit rounded up to MiB within the VM's bounds, 256 MiB without one. */
    static long memoryMib(ContainerLaunch.Resources r) {
        if (r.memoryBytes() <= 0) {
            return DEFAULT_MEMORY_MIB;
        }
        return Math.clamp((r.memoryBytes() + (1 << 20) - 1) >> 20, MIN_MEMORY_MIB, VmConfig.MAX_MEMORY_MIB);
    }

    /** The VM's vCPUs: as asked, within 1 and the smaller of the host's CPUs and the VM's maximum. */
    static int vcpus(ContainerLaunch.Resources r, int hostCpus) {
        return Math.clamp(r.vcpus(), 1, Math.max(1, Math.min(VmConfig.MAX_VCPUS, hostCpus)));
    }

    @Override
    public RunningContainer start(ContainerLaunch launch) throws ContainerStartException, InterruptedException {
        GuestAssets assets = GuestAssets.locate(StateDirectory.resolve(), Installation.repository());
        Path scratch = null;
        Path built = null;
        NamespaceAttachment attachment = null;
        BridgeNetwork.Attachment bridged = null;
        boolean temporary = launch.scratch() == null;
        try {
            Path disk;
            if (launch.root() instanceof ContainerLaunch.RootFs.Directory d) {
                scratch = temporary ? Files.createTempDirectory("kapsel-vm-disk-") : launch.scratch();
                built = scratch.resolve(DISK);
                Files.deleteIfExists(built);
                RootfsBuilder.build(d.path(), built, d.path().toString());
                RootfsBuilder.addFiles(built, files(launch));
                disk = built;
            } else {
                disk = ((ContainerLaunch.RootFs.ImageDisk) launch.root()).disk();
            }
            MicroVmContainer.Boot boot = assets.boot(disk, vcpus(launch.resources(), Runtime.getRuntime().availableProcessors()),
                    memoryMib(launch.resources()), directoryBinds(launch.mounts()));
            attachment = attach(launch.network());
            List<GuestInterface> nics = attachment == null ? launch.network().interfaces() : attachment.interfaces();
            Path initrd = null;
            if (launch.network().isBridge()) {
                ContainerLaunch.Bridge request = launch.network().bridge();
                bridged = bridge(request);
                nics = List.of(bridgeInterface(bridged));
                if (scratch == null) {
                    scratch = temporary ? Files.createTempDirectory("kapsel-vm-disk-") : launch.scratch();
                }
                initrd = ContainerInitramfs.withEtcFiles(boot.initramfs(), bridgeFiles(request, bridged, launch.process()),
                        scratch.resolve(INITRAMFS));
                boot = boot.withInitramfs(initrd);
            }
            if (!nics.isEmpty()) {
                boot = boot.withNetwork(netConfigs(nics, launch.network().namespace()), agentNetwork(nics));
            }
            HeldTerminal terminal = HeldTerminal.of(launch);
            ProcessSpec spec = spawnRequest(launch.process(), terminal.size(), launch.stdio().stdin() >= 0);
            Path s = scratch;
            Path b = built;
            Path i = initrd;
            NamespaceAttachment a = attachment;
            BridgeNetwork.Attachment n = bridged;
            return MicroVmContainer.start(boot, spec, ProcessStdio.of(launch.stdio()), () -> {
                terminal.restore();
                undo(b, i, temporary ? s : null, a, n);
            });
        } catch (ImageException e) {
            undo(built, initramfsIn(scratch), temporary ? scratch : null, attachment, bridged);
            throw new ContainerStartException.RootImage(e);
        } catch (IOException e) {
            undo(built, initramfsIn(scratch), temporary ? scratch : null, attachment, bridged);
            throw new ContainerStartException.HostIo("cannot prepare the micro-VM", e);
        } catch (ContainerStartException | RuntimeException e) {
            undo(built, initramfsIn(scratch), temporary ? scratch : null, attachment, bridged);
            throw e;
        }
    }

    private static Path initramfsIn(Path scratch) {
        return scratch == null ? null : scratch.resolve(INITRAMFS);
    }

    private static void undo(Path built, Path initrd, Path temporaryDir, NamespaceAttachment attachment,
                             BridgeNetwork.Attachment bridged) {
        if (initrd != null) {
            try {
                Files.deleteIfExists(initrd);
            } catch (IOException ignored) {
                // goes with the container's scratch directory
            }
        }
        removeBuilt(built, temporaryDir);
        if (attachment != null) {
            attachment.close();
        }
        if (bridged != null) {
            bridged.close();
        }
    }

    /** The container on kapsel's bridge: a tap, an address lease, its ports published; the id is random when none was given. */
    private static BridgeNetwork.Attachment bridge(ContainerLaunch.Bridge request) throws ContainerStartException.Network {
        String id = request.container() != null ? request.container() : java.util.HexFormat.of().formatHex(randomBytes());
        try {
            return BridgeNetwork.openDefault().attach(id, request.mappings());
        } catch (BridgeException e) {
            throw new ContainerStartException.Network(e.getMessage(), e);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    /** The guest's NIC on the bridge: the lease's address, a default route via the bridge. */
    static GuestInterface bridgeInterface(BridgeNetwork.Attachment a) {
        AddressPool.Lease l = a.lease();
        return new GuestInterface(a.tap(), null, GuestInterface.macString(a.mac()), BridgeNetwork.MTU,
                List.of(new GuestInterface.Address(l.address().getHostAddress(), l.prefix())),
                List.of(GuestInterface.Route.defaultVia(l.gateway().getHostAddress())), List.of());
    }

    /** The guest's /etc/resolv.conf and /etc/hosts on the bridge (NetworkFiles), from the host's resolv.conf and the flags. */
    static Map<String, String> bridgeFiles(ContainerLaunch.Bridge request, BridgeNetwork.Attachment a, ContainerLaunch.Process p) {
        String host;
        try {
            host = Files.readString(Path.of("/etc/resolv.conf"));
        } catch (IOException | RuntimeException unreadable) {
            host = null;
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("resolv.conf", NetworkFiles.resolvConf(NetworkFiles.nameservers(request.dns(), host), host));
        files.put("hosts", NetworkFiles.hosts(p.hostname(), a.lease().address(), request.hostEntries()));
        return files;
    }

    /** The engine's namespace joined to taps, when the launch names one and no interfaces yet; else null. */
    private static NamespaceAttachment attach(ContainerLaunch.Network network) throws ContainerStartException, InterruptedException {
        if (!ContainerLaunch.Network.MODE_NAMESPACE.equals(network.mode()) || !network.interfaces().isEmpty()) {
            return null;
        }
        return NamespaceAttachment.attach(network.namespace());
    }

    /** The VM's NICs: each on its tap (in {@code namespace}) with the MAC of the interface it stands for. */
    static List<NetConfig> netConfigs(List<GuestInterface> nics, Path namespace) {
        return nics.stream().map(i -> new NetConfig(i.tap(), i.macAddress(), namespace, true)).toList();
    }

    /** What the agent configures on those NICs before the process starts. */
    static NetworkConfig agentNetwork(List<GuestInterface> nics) {
        return new NetworkConfig(nics.stream().map(i -> new NetworkConfig.Interface(i.macAddress(), i.mtu(),
                i.addresses().stream().map(a -> new NetworkConfig.Prefix(a.ip(), a.prefix())).toList(),
                i.routes().stream().map(r -> new NetworkConfig.Route(new NetworkConfig.Prefix(GuestInterface.ip(r.destination()),
                        r.prefix()), r.gateway() == null ? null : GuestInterface.ip(r.gateway()))).toList(),
                i.neighbours().stream().map(n -> new NetworkConfig.Neighbour(GuestInterface.ip(n.address()),
                        GuestInterface.macBytes(n.mac()))).toList())).toList());
    }

    private static void removeBuilt(Path disk, Path temporaryDir) {
        try {
            if (disk != null) {
                Files.deleteIfExists(disk);
            }
            if (temporaryDir != null) {
                Files.deleteIfExists(temporaryDir);
            }
        } catch (IOException ignored) {
            // a leftover image in the container's scratch directory goes with it
        }
    }

    @Override
    public RunningContainer exec(ContainerLaunch launch, Path agentSocket) throws ContainerStartException, InterruptedException {
        if (agentSocket == null) {
            throw new ContainerStartException.Unsupported("exec needs the socket of the container's micro-VM");
        }
        return execThrough(agentSocket, launch.process().withoutHostname(), launch.stdio());
    }

    static RunningContainer execThrough(Path agentSocket, ContainerLaunch.Process process, ContainerLaunch.Stdio stdio)
            throws ContainerStartException, InterruptedException {
        HeldTerminal terminal = HeldTerminal.of(process, stdio);
        try {
            return MicroVmContainer.exec(agentSocket, spawnRequest(process, terminal.size(), stdio.stdin() >= 0),
                    ProcessStdio.of(stdio), CONNECT_TIMEOUT);
        } catch (IOException e) {
            throw new ContainerStartException.HostIo("cannot open the process's stdio", e);
        }
    }

    /**
     * The agent's request for {@code process}: args, env (with the default PATH), cwd, user and groups,
     * rlimits, the terminal of {@code size}, stdin when there is one, and the hostname when set.
     *
     * @throws IllegalArgumentException for what the agent cannot take (an unknown rlimit, an id out of range, a NUL byte)
     */
    static ProcessSpec spawnRequest(ContainerLaunch.Process process, TerminalSize size, boolean stdin) {
        ProcessSpec.Builder b = ProcessSpec.of(process.args().toArray(String[]::new))
                .env(process.envWithPath().toArray(String[]::new))
                .cwd(process.cwd())
                .user(id("uid", process.uid()), id("gid", process.gid()),
                        process.additionalGids().stream().map(g -> id("additional gid", g)).toArray(Integer[]::new));
        if (stdin) {
            b.stdin();
        }
        for (ContainerLaunch.Rlimit r : process.rlimits()) {
            b.rlimit(Rlimit.of(r.type(), r.soft(), r.hard()));
        }
        if (process.hostname() != null && !process.hostname().isEmpty()) {
            b.hostname(process.hostname());
        }
        if (process.terminal()) {
            b.terminal(size);
        }
        return b.build();
    }

    private static int id(String what, long value) {
        if (value < 0 || value >= 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0..4294967294");
        }
        return (int) value;
    }

    /**
     * The single host files the root image gets: the bind mounts of files, then the network's
     * resolv.conf and hosts where no mount binds one (the engine's own, bind-mounted, win).
     */
    static Map<String, Path> files(ContainerLaunch launch) {
        Map<String, Path> files = MountLimitations.fileBinds(launch.mounts());
        if (launch.network().resolvConf() != null) {
            files.putIfAbsent("/etc/resolv.conf", launch.network().resolvConf());
        }
        if (launch.network().hosts() != null) {
            files.putIfAbsent("/etc/hosts", launch.network().hosts());
        }
        return files;
    }

    /**
     * Bind mounts of host directories, in the config's order: one virtio-fs device each (tag
     * {@code kapsel-N}), read-only on the host with the {@code ro} option; nosuid, nodev and noexec
     * apply in the guest. Recursive or not, a share shows what lies beneath the host directory,
     * mounts included.
     */
    static List<MicroVmContainer.Share> directoryBinds(List<ContainerLaunch.Mount> mounts) {
        List<MicroVmContainer.Share> shares = new java.util.ArrayList<>();
        for (ContainerLaunch.Mount m : mounts) {
            if (m.isBind() && MountLimitations.isDirectory(m)) {
                List<String> o = m.options();
                int flags = (o.contains("ro") ? AgentClient.MOUNT_READ_ONLY : 0) | (o.contains("nosuid") ? AgentClient.MOUNT_NOSUID : 0)
                        | (o.contains("nodev") ? AgentClient.MOUNT_NODEV : 0) | (o.contains("noexec") ? AgentClient.MOUNT_NOEXEC : 0);
                String target = Path.of(m.destination()).normalize().toString();
                shares.add(new MicroVmContainer.Share(new SharedDirConfig("kapsel-" + shares.size(),
                        Path.of(m.source()).toAbsolutePath(), o.contains("ro")), target, flags));
            }
        }
        return List.copyOf(shares);
    }

    /**
     * The terminal a process with {@code terminal: true} is given on its stdin: its size goes to the
     * guest's pty and it is made raw (bytes pass through to the guest's own line discipline) until
     * {@link #restore()}.
     */
    record HeldTerminal(int fd, byte[] saved, TerminalSize size) {
        static final HeldTerminal NONE = new HeldTerminal(-1, null, TerminalSize.DEFAULT);

        static HeldTerminal of(ContainerLaunch launch) {
            return of(launch.process(), launch.stdio());
        }

        static HeldTerminal of(ContainerLaunch.Process process, ContainerLaunch.Stdio stdio) {
            int fd = stdio.stdin();
            if (!process.terminal() || fd < 0) {
                return NONE;
            }
            var ws = Terminal.windowSize(fd);
            byte[] saved = Terminal.attributes(fd);
            if (ws.isEmpty() || saved == null) {
                return NONE;
            }
            Terminal.makeRaw(fd);
            var size = ws.get();
            return new HeldTerminal(fd, saved, size.rows() == 0 || size.cols() == 0 ? TerminalSize.DEFAULT
                    : new TerminalSize(size.rows(), size.cols()));
        }

        void restore() {
            if (saved != null) {
                try {
                    Terminal.setAttributes(fd, saved);
                } catch (RuntimeException gone) {
                    // the terminal was closed (the engine's pty): nothing to restore
                }
            }
        }
    }

}
