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
            "",
            "Detached (-d): the container runs in the background in its own monitor process; kapsel prints its id"
                + " once the guest agent has started the command. Its output goes to logs: see 'kapsel ps', 'kapsel logs',"
                + " 'kapsel stop' and 'kapsel rm'. Without -i or -t (nothing to attach). With the sandbox, 'kapsel stop'"
                + " ends it with the signal (the sandbox cannot pass signals on to the program).",
            "",
            "Examples:",
            "  kapsel run busybox:latest echo hello",
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
            description = "vm or sandbox (default: ${DEFAULT-VALUE}).")
    IsolationKind isolation = IsolationKind.VM;

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
        ImageStore store = ImageStore.openDefault();
        Image img = pullIfNeeded(store);
        image = img.name();
        ContainerProcess spec = processSpec(img.config());
        long prepareStart = System.nanoTime();
        ContainerLaunch launch = launch(store, spec).withMounts(binds);
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
        Path request = new MonitorRequest.Detached(registry.root(), container.id(), isolation, launch)
                .write(registry.directory(container.id()).resolve("monitor.json"));
        return DetachedStart.start(registry, container,
                log -> MonitorLauncher.launchLogging(request, log, isolation.isolation().deliversSignals()),
                commandSpec.commandLine().getOut(), commandSpec.commandLine().getErr());
    }
}
