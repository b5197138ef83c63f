package dev.kapsel.cli;

import dev.kapsel.container.GuestAssets;
import dev.kapsel.container.ContainerStartException;
import dev.kapsel.container.ContainerUser;
import dev.kapsel.container.MicroVmContainer;
import dev.kapsel.container.ProcessSpec;
import dev.kapsel.container.ProcessStdio;
import dev.kapsel.host.Installation;
import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.vmm.VmSetupException;
import dev.kapsel.container.ProcessSpecResolver;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageConfig;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageNotFoundException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import dev.kapsel.sandbox.SandboxConfig;
import dev.kapsel.sandbox.SandboxLimits;
import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerRegistryException;
import dev.kapsel.container.detached.DetachedContainer;
import dev.kapsel.container.detached.NoSuchContainerException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
            "Run a command in a new container from a loaded image (see 'kapsel load').",
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
                + " 'kapsel stop' and 'kapsel rm'. Only --isolation=vm, and without -i or -t (nothing to attach).",
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
    static final int RUNTIME_FAILURE = 125;

    enum Isolation { vm, sandbox }

    @Option(names = "--isolation", paramLabel = "KIND", description = "vm or sandbox (default: ${DEFAULT-VALUE}).")
    Isolation isolation = Isolation.vm;

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

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image name, as 'kapsel images' lists it.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments (replace the image's Cmd).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        String detachedId = System.getenv(DetachedStart.DETACHED_ID);
        if (detach) {
            if (interactive || tty) {
                throw new CommandFailure(RUNTIME_FAILURE, "-d cannot be combined with -i or -t: a detached container has no"
                        + " stdin or terminal to attach; read its output with 'kapsel logs'", null);
            }
            if (isolation != Isolation.vm) {
                throw new CommandFailure(RUNTIME_FAILURE, "-d needs --isolation=vm (the sandbox runs only attached)", null);
            }
        }
        ImageStore store = ImageStore.openDefault();
        Image img;
        try {
            img = store.image(image);
        } catch (ImageNotFoundException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        ProcessSpec spec = processSpec(img.config());
        if (detach && detachedId == null) {
            return startDetached(spec);
        }
        if (detach) {
            return runAsMonitor(store, spec, detachedId);
        }
        return switch (isolation) {
            case sandbox -> runInSandbox(store, spec);
            case vm -> runInMicroVm(store, spec);
        };
    }

    private ProcessSpec processSpec(ImageConfig config) throws IOException {
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

    /** {@code run -d}: records the container and starts its monitor (this command line again). */
    private int startDetached(ProcessSpec spec) throws Exception {
        ContainerRegistry registry = ContainerRegistry.openDefault();
        DetachedContainer container;
        try {
            container = registry.create(name, image, spec.argv(), rm);
        } catch (ContainerRegistryException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        List<String> args = commandSpec.root().commandLine().getParseResult().originalArgs();
        return DetachedStart.start(registry, container, args, commandSpec.commandLine().getOut(), commandSpec.commandLine().getErr());
    }

    /**
     * The monitor of a detached container: leads its own session, runs the micro-VM with the container's
     * output in its log files, records "running" once the agent started the process and the exit status
     * at the end (or removes the container, with --rm).
     */
    private int runAsMonitor(ImageStore store, ProcessSpec spec, String id) throws Exception {
        try {
            dev.kapsel.sys.Libc.setsid();
        } catch (dev.kapsel.sys.SyscallException alreadyLeader) {
            // a process-group leader cannot; it has its own group already
        }
        ContainerRegistry registry = ContainerRegistry.openDefault();
        DetachedContainer container = registry.load(id);
        boolean[] started = {false};
        int status;
        try (OutputStream stdout = new FileOutputStream(registry.stdoutLog(id).toFile(), true);
             OutputStream stderr = new FileOutputStream(registry.stderrLog(id).toFile(), true)) {
            status = runInMicroVm(store, spec, stdout, stderr, () -> {
                registry.update(id, r -> r.running(registry.clock().instant()));
                started[0] = true;
            });
        }
        if (started[0]) {
            // A failed start leaves the record to the parent, which reports it and removes the container.
            try {
                if (container.removeOnExit()) {
                    registry.remove(id);
                } else {
                    registry.update(id, r -> r.exited(status, registry.clock().instant()));
                }
            } catch (NoSuchContainerException removed) {
                // 'kapsel rm -f' removed it meanwhile
            }
        }
        return status;
    }

    private int runInMicroVm(ImageStore store, ProcessSpec spec) throws Exception {
        return runInMicroVm(store, spec, new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err),
                () -> { });
    }

    private int runInMicroVm(ImageStore store, ProcessSpec spec, OutputStream stdout, OutputStream stderr, Runnable started)
            throws Exception {
        if (System.getenv("KAPSEL_IN_HARNESS") == null) {
            KvmProbe.Result kvm = KvmProbe.probe();
            if (kvm.kind() != KvmKind.HARDWARE) {
                throw new CommandFailure(RUNTIME_FAILURE, kvm.reason() + ": a micro-VM cannot boot here at a useful speed."
                        + " Use --isolation=sandbox, or run kapsel inside the nested harness (harness/run).", null);
            }
        }
        GuestAssets assets;
        try {
            assets = GuestAssets.locate(StateDirectory.resolve(), Installation.repository());
        } catch (ContainerStartException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        long prepareStart = System.nanoTime();
        Progress progress = Progress.forTerminal();
        Path disk = store.rootfsImage(image, progress);
        ContainerUser who;
        try {
            who = ContainerUser.resolve(spec.user(),
                    spec.user().chars().anyMatch(Character::isLetter) ? store.unpackedRoot(image, progress) : Path.of("/nonexistent"));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        dev.kapsel.agent.ProcessSpec.Builder process = dev.kapsel.agent.ProcessSpec.of(spec.argv().toArray(String[]::new))
                .env(spec.env().toArray(String[]::new))
                .cwd(spec.workingDir())
                .user(who.uid(), who.gid(), who.additionalGids().toArray(Integer[]::new));
        if (interactive) {
            process.stdin();
        }
        if (tty) {
            process.terminal(dev.kapsel.agent.TerminalSize.DEFAULT);
        }
        long prepared = System.nanoTime() - prepareStart;
        MicroVmContainer container = new MicroVmContainer(assets.machine(disk, cpus, memoryMib));
        try {
            int status = container.run(process.build(), new ProcessStdio(interactive ? System.in : null, stdout, stderr), started);
            if (System.getenv("KAPSEL_TIMINGS") != null) {
                // For bench/run: image preparation (cached after the first run), VM boot to agent, agent start to exit.
                System.err.printf("kapsel-timings prepare_ms=%d boot_ms=%d run_ms=%d%n", prepared / 1_000_000,
                        container.phases().bootNanos() / 1_000_000, container.phases().runNanos() / 1_000_000);
            }
            return status;
        } catch (dev.kapsel.agent.SpawnFailedException e) {
            // Docker's codes: 127 the command was not found, 126 it could not be run.
            System.err.println("kapsel: " + e.getMessage());
            return e.commandNotFound() ? 127 : 126;
        } catch (ContainerStartException | VmSetupException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
    }

    private int runInSandbox(ImageStore store, ProcessSpec spec) throws IOException, ImageException {
        if (!spec.user().isEmpty() && !spec.user().equals("root") && !spec.user().equals("0") && !spec.user().equals("0:0")) {
            System.err.println("kapsel: the sandbox runs programs as uid 0 inside the sandbox; user '" + spec.user() + "' is not applied");
        }
        Path root = store.unpackedRoot(image, Progress.forTerminal());
        // Without -i the container's stdin is empty, as with Docker.
        int stdin = interactive || tty ? 0 : dev.kapsel.sys.Libc.open("/dev/null", dev.kapsel.sys.Libc.O_RDONLY, 0);
        SandboxConfig config = new SandboxConfig(root, spec.argv(), spec.env(), spec.workingDir(), stdin, 1, 2,
                SandboxLimits.ofMemoryMiB(memoryMib), null);
        return SandboxLauncher.run(config, false);
    }
}
