package dev.kapsel.cli;

import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.ContainerProcess;
import dev.kapsel.container.ContainerStartException;
import dev.kapsel.container.ExitCodes;
import dev.kapsel.container.ForegroundRun;
import dev.kapsel.container.ImageLaunch;
import dev.kapsel.container.IsolationKind;
import dev.kapsel.container.Limitation;
import dev.kapsel.container.ProcessSpecResolver;
import dev.kapsel.container.RunningContainer;
import dev.kapsel.container.UnikernelLaunch;
import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerRegistryException;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.detached.DetachedStart;
import dev.kapsel.host.MonitorSeccomp;
import dev.kapsel.oci.monitor.MonitorLauncher;
import dev.kapsel.oci.monitor.MonitorRequest;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageConfig;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageNotFoundException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import dev.kapsel.image.registry.Platform;
import dev.kapsel.image.registry.RegistryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Run a command in a new container from a stored image (see 'kapsel load'); one the store lacks is pulled first (--pull).",
            "The image's Entrypoint, Cmd, Env, WorkingDir and User apply as Docker applies them; arguments after",
            "the image replace Cmd. stdin, stdout and stderr are the container's.",
            ""
        },
        footer = {
            "",
            "Isolation:",
            "  sandbox  the program runs at guest user level in a KVM guest with no guest kernel; its system calls",
            "           are served by kapsel's Java kernel. Starts in milliseconds; runs on any KVM host.",
            "  vm       (default) a micro-VM per container: the stock Linux kernel, the image as a read-only disk under",
            "           a tmpfs overlay (writes vanish with the container), the kapsel guest agent starting the process.",
            "  unikernel (default for an image labelled dev.kapsel.unikernel.kernel or com.urunc.unikernel.binary) the",
            "           image's own kernel booted in a micro-VM, its serial console as stdout; COMMAND replaces its",
            "           command line. --isolation=unikernel also reads urunc's /urunc.json. See docs/unikernels.md.",
            "",
            "Detached (-d): the container runs in the background in its own monitor process; kapsel prints its id"
                + " once the guest agent has started the command. Its output goes to logs: see 'kapsel ps', 'kapsel logs',"
                + " 'kapsel stop' and 'kapsel rm'. Without -i or -t (nothing to attach). With the sandbox, 'kapsel stop'"
                + " ends it with the signal (the sandbox cannot pass signals on to the program).",
            "",
            "Network (micro-VM, as root): with --network bridge (the default) each container's VM has a NIC on the Linux"
                + " bridge kapsel0 through a tap kt-<id>, an address leased from 10.87.0.0/24, gateway and DNS set up before"
                + " the command starts; nftables (table ip kapsel) masquerades its traffic out and sends each -p port to it."
                + " A port that does not parse, is published twice or is in use on the host is an error before the VM boots."
                + " 'kapsel ps' shows the ports. The sandbox has no bridge (its network is the engine's namespace only).",
            "",
            "Examples:",
            "  kapsel run busybox:latest echo hello",
            "  kapsel run -d -p 8080:80 busybox:latest httpd -f -p 80 -h /etc     then: curl http://127.0.0.1:8080/hostname",
            "  kapsel run --network none busybox:latest ip addr                    loopback only",
            "  kapsel run --dns 10.0.0.53 --add-host db:10.0.0.7 busybox:latest cat /etc/resolv.conf /etc/hosts",
            "  kapsel run -d --name web busybox:latest sh -c 'echo started; exec sleep 1000'",
            "  kapsel logs -f web; kapsel stop web; kapsel rm web",
            "",
            "Exit status: the container's own, 128+N if signal N ended it; 125 when kapsel itself failed"
                + " (image not found, bad flags, name in use, the sandbox or VM could not start); 126 or 127 when the"
                + " command could not be run or was not found. With -d: 0 once started."
        })
final class RunCommand implements Callable<Integer> {
    /** Docker's code for "the runtime failed", so it cannot be confused with the container's own status. */
    static final int RUNTIME_FAILURE = ExitCodes.RUNTIME_FAILURE;

    @Option(names = "--isolation", paramLabel = "KIND", converter = IsolationConverter.class,
            description = "vm, sandbox or unikernel (default: unikernel for an image labelled as one, else vm).")
    IsolationKind isolation;

    @Option(names = "--rm", description = "Remove the container when it exits (only -d keeps containers; without -d this is the default).")
    boolean rm;

    @Option(names = {"-d", "--detach"}, description = "Run in the background: print the container's id once it started.")
    boolean detach;

    @Option(names = {"-i", "--interactive"}, description = "Forward stdin to the container (without it stdin is empty).")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Give the container a terminal (sandbox: the host terminal).")
    boolean tty;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME[=VALUE]", description = "Set an environment variable; NAME alone takes this shell's value.")
    List<String> env = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = "Read NAME=VALUE lines from a file.")
    List<Path> envFiles = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "User (and group) to run as.")
    String user;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Replace the image's Entrypoint (and drop its Cmd).")
    String entrypoint;

    @Option(names = "--memory", paramLabel = "MiB", description = "Memory limit in MiB (default: ${DEFAULT-VALUE}).")
    long memoryMib = 256;

    @Option(names = "--cpus", paramLabel = "N", description = "vCPUs of the container's micro-VM (default: ${DEFAULT-VALUE}).")
    int cpus = 1;

    @Option(names = "--name", paramLabel = "NAME", description = "A name for the container (with -d; unique, default: generated).")
    String name;

    @Option(names = "--pull", paramLabel = "POLICY", description = "missing (default): pull IMAGE when the store lacks it;"
            + " always: pull before every run; never: only the store.")
    String pull = "missing";

    @Option(names = {"-v", "--volume"}, paramLabel = "HOSTDIR:CTRDIR[:ro]",
            description = {"Bind a host directory (or file) into the container (repeatable). In the micro-VM a directory is",
                "shared over virtio-fs, in the sandbox mounted in its file system; either way ':ro' makes the host refuse",
                "every change."})
    List<String> volumes = new ArrayList<>();

    @Option(names = "--mount", paramLabel = "type=bind,source=S,target=T[,readonly]",
            description = "The same bind, in --mount syntax (repeatable).")
    List<String> bindMounts = new ArrayList<>();

    @Option(names = "--network", paramLabel = "MODE", description = "bridge (default with the micro-VM as root): the container gets an address"
        + " on kapsel's bridge kapsel0 (10.87.0.0/24, gateway 10.87.0.1) with outbound access (NAT), and -p works;"
        + " none (default otherwise): loopback only.")
    String network;

    @Option(names = {"-p", "--publish"}, paramLabel = "[IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]",
            description = "Publish a container port on the host (repeatable): connections to HOSTPORT on the host's addresses"
                + " (or IP only) go to CONTAINERPORT in the container. Needs --network bridge.")
    List<String> publish = new ArrayList<>();

    @Option(names = "--dns", paramLabel = "IP", description = "A nameserver for the container's /etc/resolv.conf (repeatable). Default: the"
        + " host's, unless they are loopback ones (a local stub), then 1.1.1.1 and 8.8.8.8.")
    List<String> dns = new ArrayList<>();

    @Option(names = "--add-host", paramLabel = "NAME:IP", description = "Add a line to the container's /etc/hosts (repeatable).")
    List<String> addHosts = new ArrayList<>();

    @Option(names = "--no-seccomp", description = "Do not confine the container's monitor with kapsel's seccomp filter"
            + " (for debugging; KAPSEL_SECCOMP=kill|trap|log|off chooses the filter's action, kill by default; docs/security.md).")
    boolean noSeccomp;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image name, as 'kapsel images' lists it, or a reference to pull.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments (replace the image's Cmd).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    /** {@code --isolation}'s words are {@link IsolationKind}'s. */
    static final class IsolationConverter implements picocli.CommandLine.ITypeConverter<IsolationKind> {
        @Override
        public IsolationKind convert(String value) {
            return IsolationKind.byId(value).orElseThrow(() -> new picocli.CommandLine.TypeConversionException(
                    "'" + value + "': kapsel has " + IsolationKind.names()));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (noSeccomp) {
            MonitorSeccomp.disable();
        }
        if (detach && (interactive || tty)) {
            throw new CommandFailure(RUNTIME_FAILURE, "-d cannot be combined with -i or -t: a detached container has no"
                    + " stdin or terminal to attach; read its output with 'kapsel logs'", null);
        }
        List<ContainerLaunch.Mount> binds = new ArrayList<>();
        try {
            volumes.forEach(v -> binds.add(BindOptions.volume(v)));
            bindMounts.forEach(m -> binds.add(BindOptions.mount(m)));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        // checked before anything is looked up; the isolation an unlabelled image gets is the micro-VM
        ContainerLaunch.Network net = network(isolation != null ? isolation : IsolationKind.VM);
        ImageStore store = ImageStore.openDefault();
        Image img = pullIfNeeded(store);
        image = img.name();
        boolean unikernel = unikernelLabels(img.config());
        if (isolation == null) {
            isolation = unikernel ? IsolationKind.UNIKERNEL : IsolationKind.VM;
        } else if (unikernel && isolation != IsolationKind.UNIKERNEL) {
            throw new CommandFailure(RUNTIME_FAILURE, "image " + image + " is a unikernel: it boots its own kernel, not in the "
                    + isolation + " isolation (leave out --isolation, or give --isolation=unikernel)", null);
        }
        long prepareStart = System.nanoTime();
        net = network(isolation);
        ContainerProcess spec;
        ContainerLaunch launch;
        if (isolation == IsolationKind.UNIKERNEL) {
            launch = unikernelLaunch(store, img).withMounts(binds).withNetwork(net);
            spec = new ContainerProcess(launch.process().args(), List.of(), "/", "");
        } else {
            spec = processSpec(img.config());
            launch = launch(store, spec).withMounts(binds).withNetwork(net);
        }
        long prepared = System.nanoTime() - prepareStart;
        if (detach) {
            return startDetached(spec, launch);
        }
        try {
            isolation.isolation().check(launch);
        } catch (ContainerStartException.Unsupported e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        for (Limitation l : isolation.isolation().limitations(launch)) {
            System.err.println("kapsel: not honoured by the " + isolation + " isolation: " + l.line());
        }
        RunningContainer[] ran = new RunningContainer[1];
        int status;
        if (Main.ownProcess) {
            // this process is the container's monitor: confined from the guest's first instruction on
            MonitorSeccomp.confineAtGuestEntry();
        }
        try {
            status = ForegroundRun.run(isolation.isolation(), launch, c -> ran[0] = c);
        } catch (ContainerStartException.SpawnFailed e) {
            System.err.println("kapsel: " + e.getMessage());
            return e.exitStatus();
        } catch (ContainerStartException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        if (System.getenv("KAPSEL_TIMINGS") != null && ran[0] != null) {
            // A debug knob for bench/run: image preparation (cached after the first run), VM boot to agent, agent start to exit.
            ran[0].phases().ifPresent(p -> System.err.printf("kapsel-timings prepare_ms=%d boot_ms=%d run_ms=%d%n",
                    prepared / 1_000_000, p.startNanos() / 1_000_000, p.runNanos() / 1_000_000));
        }
        return status;
    }

    /**
     * The network {@code --network}, {@code -p}, {@code --dns} and {@code --add-host} ask for, checked
     * before anything is pulled or started: bridge by default in the micro-VM, none in the sandbox
     * (which has no bridge of its own) unless asked.
     */
    ContainerLaunch.Network network(IsolationKind kind) throws CommandFailure {
        boolean root = dev.kapsel.host.StateDirectory.effectiveUid() == 0;
        String mode = network != null ? network : kind == IsolationKind.VM && root ? "bridge" : "none";
        try {
            return switch (mode) {
                case "none" -> {
                    if (!publish.isEmpty()) {
                        throw new IllegalArgumentException("-p needs --network bridge: with --network none nothing reaches the container");
                    }
                    yield ContainerLaunch.Network.NONE;
                }
                case "bridge" -> {
                    ContainerLaunch.Bridge bridge = new ContainerLaunch.Bridge(null, publish, dns, addHosts); // checks the flags first
                    if (!root && kind == IsolationKind.VM) {
                        throw new IllegalArgumentException("--network bridge needs root (the bridge kapsel0, its taps and nftables"
                                + " are the host's); without root use --network none (rootless networking through passt is issue 12)");
                    }
                    yield ContainerLaunch.Network.ofBridge(bridge);
                }
                default -> throw new IllegalArgumentException("--network '" + mode + "': kapsel has bridge and none");
            };
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
    }

    /** The image to run, pulled first as {@code --pull} says (as {@code docker run} does); progress and the pull line go to stderr. */
    private Image pullIfNeeded(ImageStore store) throws Exception {
        if (!List.of("missing", "always", "never").contains(pull)) {
            throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "--pull: '" + pull + "' is not missing, always or never");
        }
        ImageNotFoundException missing = null;
        if (!pull.equals("always")) {
            try {
                return RegistryAccess.find(store, image);
            } catch (ImageNotFoundException e) {
                if (pull.equals("never")) {
                    throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
                }
                missing = e;
            }
        }
        try {
            return RegistryAccess.pull(store, image, Platform.DEFAULT, true, commandSpec.commandLine().getErr());
        } catch (RegistryException | ImageException e) {
            throw new CommandFailure(RUNTIME_FAILURE, (missing == null ? "" : missing.getMessage() + "; pulling it failed: ") + e.getMessage(), e);
        }
    }

    private ContainerLaunch launch(ImageStore store, ContainerProcess spec) throws Exception {
        // Without -i the container's stdin is empty, as with Docker; the sandbox's -t is the host terminal itself.
        boolean stdin = interactive || tty && isolation == IsolationKind.SANDBOX;
        ContainerLaunch.Stdio stdio = stdin ? ContainerLaunch.Stdio.INHERITED : ContainerLaunch.Stdio.INHERITED.withoutStdin();
        try {
            return ImageLaunch.of(store, image, spec, tty && isolation == IsolationKind.VM, isolation,
                    ContainerLaunch.Resources.ofMib(cpus, memoryMib), stdio, Progress.forTerminal());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
    }

    private static boolean unikernelLabels(ImageConfig config) {
        try {
            return UnikernelLaunch.isUnikernel(config.labels());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, "the image's unikernel labels: " + e.getMessage(), e);
        }
    }

    private ContainerLaunch unikernelLaunch(ImageStore store, Image img) throws Exception {
        if (entrypoint != null || workdir != null || user != null || !env.isEmpty() || !envFiles.isEmpty() || tty) {
            throw new CommandFailure(RUNTIME_FAILURE, "a unikernel takes no --entrypoint, -w, -u, -e, --env-file or -t:"
                    + " it is one program with its command line (give it after the image)", null);
        }
        ContainerLaunch.Stdio stdio = interactive ? ContainerLaunch.Stdio.INHERITED : ContainerLaunch.Stdio.INHERITED.withoutStdin();
        try {
            return UnikernelLaunch.of(store, image, img.config().labels(), command, ContainerLaunch.Resources.ofMib(cpus, memoryMib),
                    stdio, Progress.forTerminal());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
    }

    private ContainerProcess processSpec(ImageConfig config) throws IOException {
        List<String> fromFiles = new ArrayList<>();
        for (Path f : envFiles) {
            fromFiles.addAll(ProcessSpecResolver.parseEnvFile(Files.readAllLines(f)));
        }
        try {
            return ProcessSpecResolver.resolve(
                    new ProcessSpecResolver.ImageDefaults(config.entrypoint(), config.cmd(), config.env(), config.workingDir(), config.user()),
                    new ProcessSpecResolver.Overrides(entrypoint == null ? null : List.of(entrypoint), command, fromFiles, env,
                            workdir, user),
                    System::getenv);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
    }

    /** {@code run -d}: records the container and starts its monitor with the launch as its request (it checks it). */
    private int startDetached(ContainerProcess spec, ContainerLaunch launch) throws Exception {
        ContainerRegistry registry = ContainerRegistry.openDefault();
        ContainerRecord container;
        try {
            container = registry.create(name, image, spec.argv(), isolation.id(), rm);
        } catch (ContainerRegistryException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        if (launch.network().isBridge()) {
            ContainerLaunch.Bridge b = launch.network().bridge();
            launch = launch.withNetwork(ContainerLaunch.Network.ofBridge(b.withContainer(container.id())));
            if (!b.ports().isEmpty()) {
                String ports = String.join(", ", b.mappings().stream().map(p -> p.published()).toList());
                container = registry.update(container.id(), r -> r.withAnnotations(java.util.Map.of(PsTable.PORTS_ANNOTATION, ports)));
            }
        }
        Path request = new MonitorRequest.Detached(registry.root(), container.id(), isolation, launch)
                .write(registry.directory(container.id()).resolve("monitor.json"));
        return DetachedStart.start(registry, container,
                log -> MonitorLauncher.launchLogging(request, log, isolation.isolation().deliversSignals()),
                commandSpec.commandLine().getOut(), commandSpec.commandLine().getErr());
    }
}
