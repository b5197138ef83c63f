package dev.kapsel.container;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.kapsel.boot.BootProtocol;
import dev.kapsel.container.bridge.NetworkFiles;
import dev.kapsel.container.bridge.PortMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything an {@link Isolation} needs to start one container, typed, whoever asks for it ({@code kapsel
 * run}, {@code run -d}, an OCI bundle): the process, the root file system, the mounts, the network, the
 * resources, the Linux features a config may ask for, and the host descriptors of its stdio. It is also
 * the body of the monitor's request file, so every part is plain data (no open streams).
 *
 * @param scratch a directory that lives as long as the container, for what the isolation builds for it
 *                (the VM's root image); null means a temporary one of the isolation's own
 */
public record ContainerLaunch(Process process, RootFs root, List<Mount> mounts, Network network, Resources resources,
                              LinuxFeatures linux, Stdio stdio, Path scratch) {
    /** The PATH a process gets when its environment has none (Docker's and runc's default). */
    public static final String DEFAULT_PATH = dev.kapsel.host.DefaultPath.ENV;

    public ContainerLaunch {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(root, "root");
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        network = network == null ? Network.NONE : network;
        Objects.requireNonNull(resources, "resources");
        linux = linux == null ? LinuxFeatures.NONE : linux;
        stdio = stdio == null ? Stdio.INHERITED : stdio;
    }

    /** The same container with another process (an {@code exec}). */
    public ContainerLaunch withProcess(Process p) {
        return new ContainerLaunch(p, root, mounts, network, resources, linux, stdio, scratch);
    }

    /** The same container with {@code extra} mounts after its own ({@code kapsel run -v}). */
    public ContainerLaunch withMounts(List<Mount> extra) {
        List<Mount> all = new ArrayList<>(mounts);
        all.addAll(extra);
        return new ContainerLaunch(process, root, all, network, resources, linux, stdio, scratch);
    }

    public ContainerLaunch withNetwork(Network n) {
        return new ContainerLaunch(process, root, mounts, n, resources, linux, stdio, scratch);
    }

    public ContainerLaunch withStdio(Stdio s) {
        return new ContainerLaunch(process, root, mounts, network, resources, linux, s, scratch);
    }

    public ContainerLaunch withScratch(Path dir) {
        return new ContainerLaunch(process, root, mounts, network, resources, linux, stdio, dir);
    }

    /**
     * The process: argv, environment, working directory, numeric user and groups (names are resolved
     * against the image before; OCI's 32-bit unsigned ids as longs), rlimits by their Linux names, whether it gets a terminal, and the
     * hostname (the container's first process only; null or empty keeps the isolation's own).
     */
    public record Process(List<String> args, List<String> env, String cwd, long uid, long gid, List<Long> additionalGids,
                          List<Rlimit> rlimits, boolean terminal, String hostname) {
        public Process {
            args = List.copyOf(args);
            if (args.isEmpty()) {
                throw new IllegalArgumentException("no command: the process has no args");
            }
            env = List.copyOf(env);
            cwd = cwd == null || cwd.isEmpty() ? "/" : cwd;
            additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
            rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
        }

        /** A root process with no rlimits, terminal or hostname. */
        public static Process of(List<String> args, List<String> env, String cwd) {
            return new Process(args, env, cwd, 0, 0, List.of(), List.of(), false, null);
        }

        /** The environment, with {@link #DEFAULT_PATH} first when it sets no PATH. */
        @JsonIgnore
        public List<String> envWithPath() {
            if (env.stream().anyMatch(e -> e.startsWith("PATH="))) {
                return env;
            }
            List<String> out = new ArrayList<>(env);
            out.addFirst(DEFAULT_PATH);
            return List.copyOf(out);
        }

        /** The search path the process's program is looked up in (the last PATH wins, as execvp reads environ). */
        @JsonIgnore
        public String searchPath() {
            return envWithPath().stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).reduce((a, b) -> b)
                    .orElseThrow();
        }

        @JsonIgnore
        public boolean isRoot() {
            return uid == 0 && gid == 0 && additionalGids.isEmpty();
        }

        public Process withoutHostname() {
            return new Process(args, env, cwd, uid, gid, additionalGids, rlimits, terminal, null);
        }
    }

    /** One rlimit, {@code type} as Linux and the OCI spec name it ({@code RLIMIT_NOFILE}). */
    public record Rlimit(String type, long soft, long hard) {}

    /** Where the container's root comes from. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = RootFs.ImageDisk.class, name = "image-disk"),
                   @JsonSubTypes.Type(value = RootFs.Directory.class, name = "directory"),
                   @JsonSubTypes.Type(value = RootFs.Unikernel.class, name = "unikernel")})
    public sealed interface RootFs {
        /**
         * A read-only ext4 image of the root (an image's cached disk), with the unpacked tree beside it
         * for the isolations that read files (null when there is none).
         */
        record ImageDisk(Path disk, Path unpacked) implements RootFs {}

        /** A directory tree, as an OCI bundle's root; {@code readonly} as its {@code root.readonly} asks. */
        record Directory(Path path, boolean readonly) implements RootFs {}

        /**
         * A unikernel image's root ({@link UnikernelImage}): the kernel to boot and the initrd (null for
         * none), host paths inside {@code tree}, its command line, and the boot protocol (null: detected
         * from the kernel file).
         */
        record Unikernel(Path tree, Path kernel, Path initrd, String cmdline, BootProtocol protocol)
                implements RootFs {
            public Unikernel {
                Objects.requireNonNull(kernel, "kernel");
                cmdline = cmdline == null ? "" : cmdline;
            }
        }

        /** The tree of files, for checks and the sandbox; null for a disk without its unpacked tree. */
        default Path tree() {
            return switch (this) {
                case ImageDisk d -> d.unpacked();
                case Directory d -> d.path();
                case Unikernel u -> u.tree();
            };
        }
    }

    /** A mount as a config asks for it; {@code type} "bind" (or the bind option) is a bind mount. */
    public record Mount(String type, String source, String destination, List<String> options) {
        public Mount {
            options = options == null ? List.of() : List.copyOf(options);
        }

        @JsonIgnore
        public boolean isBind() {
            return "bind".equals(type) || options.contains("bind") || options.contains("rbind");
        }

        /** The {@code ro} option: every change under the mount is refused. */
        @JsonIgnore
        public boolean readOnly() {
            return options.contains("ro");
        }
    }

    /**
     * The container's network. {@code mode} "none" gives the guest only loopback; "namespace" attaches
     * it to the network namespace at {@code namespace} (an engine's, from {@code
     * linux.namespaces[type=network].path}), whose interfaces the isolation reads at start when
     * {@code interfaces} is empty; "bridge" puts it on kapsel's own bridge network as {@code bridge}
     * asks ({@code kapsel run --network bridge}). DNS and host names are files: {@code resolvConf} and
     * {@code hosts} become the guest's {@code /etc/resolv.conf} and {@code /etc/hosts} unless a mount
     * already binds one there (engines bind-mount theirs); null leaves the image's (the bridge writes its own).
     */
    public record Network(String mode, Path namespace, List<GuestInterface> interfaces, Path resolvConf, Path hosts,
                          Bridge bridge) {
        public static final Network NONE = new Network("none", null, List.of(), null, null);
        public static final String MODE_NONE = "none";
        public static final String MODE_NAMESPACE = "namespace";
        public static final String MODE_BRIDGE = "bridge";

        public Network {
            Objects.requireNonNull(mode, "network mode");
            interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
            if (MODE_NAMESPACE.equals(mode) && (namespace == null || !namespace.isAbsolute())) {
                throw new IllegalArgumentException("network mode namespace needs an absolute namespace path, not " + namespace);
            }
            if (MODE_NONE.equals(mode) && !interfaces.isEmpty()) {
                throw new IllegalArgumentException("network mode none has no interfaces");
            }
            if (MODE_BRIDGE.equals(mode) != (bridge != null)) {
                throw new IllegalArgumentException("network mode bridge, and only it, has a bridge request");
            }
            if (interfaces.size() > GuestInterface.MAX_INTERFACES) {
                throw new IllegalArgumentException("at most " + GuestInterface.MAX_INTERFACES + " network interfaces, not "
                        + interfaces.size());
            }
        }

        public Network(String mode, Path namespace, List<GuestInterface> interfaces, Path resolvConf, Path hosts) {
            this(mode, namespace, interfaces, resolvConf, hosts, null);
        }

        /** The engine's namespace at {@code path}, its interfaces read later. */
        public static Network ofNamespace(Path path) {
            return new Network(MODE_NAMESPACE, path, List.of(), null, null);
        }

        /** kapsel's bridge network, as {@code kapsel run} asks for it. */
        public static Network ofBridge(Bridge bridge) {
            return new Network(MODE_BRIDGE, null, List.of(), null, null, bridge);
        }

        public Network withInterfaces(List<GuestInterface> found) {
            return new Network(mode, namespace, found, resolvConf, hosts, bridge);
        }

        @JsonIgnore
        public boolean isNone() {
            return MODE_NONE.equals(mode);
        }

        @JsonIgnore
        public boolean isBridge() {
            return MODE_BRIDGE.equals(mode);
        }
    }

    /**
     * What a container on kapsel's bridge network asks for: the container's id (its tap and lease are
     * named after it; null until it is known, then a random one), its published ports ({@code -p}, as
     * {@link PortMapping#parse} reads them), {@code --dns} servers and {@code --add-host NAME:IP} entries,
     * each checked here so a bad one fails before anything starts.
     */
    public record Bridge(String container, List<String> ports, List<String> dns, List<String> extraHosts) {
        public Bridge {
            ports = ports == null ? List.of() : List.copyOf(ports);
            dns = dns == null ? List.of() : List.copyOf(dns);
            extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
            PortMapping.requireDisjoint(ports.stream().map(PortMapping::parse).toList());
            dns.forEach(NetworkFiles::dnsServer);
            extraHosts.forEach(NetworkFiles.HostEntry::parse);
            if (container != null && !container.matches("[0-9a-f]{12,64}")) {
                throw new IllegalArgumentException("a bridge container id is 12 to 64 hex digits, not '" + container + "'");
            }
        }

        @JsonIgnore
        public List<PortMapping> mappings() {
            return ports.stream().map(PortMapping::parse).toList();
        }

        @JsonIgnore
        public List<NetworkFiles.HostEntry> hostEntries() {
            return extraHosts.stream().map(NetworkFiles.HostEntry::parse).toList();
        }

        public Bridge withContainer(String id) {
            return new Bridge(id, ports, dns, extraHosts);
        }
    }

    /** What the container may use: vCPUs and memory in bytes (0: the isolation's default). */
    public record Resources(int vcpus, long memoryBytes) {
        public static final long MIB = 1L << 20;

        public static Resources ofMib(int vcpus, long memoryMib) {
            return new Resources(vcpus, memoryMib * MIB);
        }
    }

    /** The Linux features of an OCI config no isolation applies inside itself, kept so each can say so. */
    public record LinuxFeatures(List<String> devices, boolean seccompProfile, List<String> joinedNamespaces) {
        public static final LinuxFeatures NONE = new LinuxFeatures(List.of(), false, List.of());

        public LinuxFeatures {
            devices = devices == null ? List.of() : List.copyOf(devices);
            joinedNamespaces = joinedNamespaces == null ? List.of() : List.copyOf(joinedNamespaces);
        }
    }

    /**
     * The container's stdio as host file descriptors of the process that runs it: {@code stdin} -1 means
     * none (the process sees end of file at once), or as files its output is appended to (a detached
     * container's logs). With a terminal, all three are the terminal.
     */
    public record Stdio(int stdin, int stdout, int stderr, Path stdoutFile, Path stderrFile) {
        /** This process's own 0, 1 and 2. */
        public static final Stdio INHERITED = new Stdio(0, 1, 2, null, null);

        public static Stdio fds(int stdin, int stdout, int stderr) {
            return new Stdio(stdin, stdout, stderr, null, null);
        }

        /** No stdin; output appended to two files. */
        public static Stdio logs(Path stdout, Path stderr) {
            return new Stdio(-1, -1, -1, stdout, stderr);
        }

        /** Without stdin (Docker without -i). */
        public Stdio withoutStdin() {
            return new Stdio(-1, stdout, stderr, stdoutFile, stderrFile);
        }
    }
}
