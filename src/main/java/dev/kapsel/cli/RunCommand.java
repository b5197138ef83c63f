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
            "Exit status: the container's own, 128+N if signal N ended it; 125 when kapsel itself failed",
            "(image not found, bad flags, the sandbox or VM could not start)."
        })
final class RunCommand implements Callable<Integer> {
    /** Docker's code for "the runtime failed", so it cannot be confused with the container's own status. */
    static final int RUNTIME_FAILURE = 125;

    enum Isolation { vm, sandbox }

    @Option(names = "--isolation", paramLabel = "KIND", description = "vm or sandbox (default: ${DEFAULT-VALUE}).")
    Isolation isolation = Isolation.vm;

    @Option(names = "--rm", description = "Remove the container when it exits (containers are not kept yet; accepted for Docker compatibility).")
    boolean rm;

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

    @Option(names = "--name", paramLabel = "NAME", description = "A name for the container.")
    String name;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image name, as 'kapsel images' lists it.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments (replace the image's Cmd).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ImageStore store = ImageStore.openDefault();
        Image img;
        try {
            img = store.image(image);
        } catch (ImageNotFoundException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        ProcessSpec spec = processSpec(img.config());
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

    private int runInMicroVm(ImageStore store, ProcessSpec spec) throws Exception {
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
            int status = container.run(process.build(), new ProcessStdio(interactive ? System.in : null,
                    new java.io.FileOutputStream(java.io.FileDescriptor.out), new java.io.FileOutputStream(java.io.FileDescriptor.err)));
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
