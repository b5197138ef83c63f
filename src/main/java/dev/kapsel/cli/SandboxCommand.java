package dev.kapsel.cli;

import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.ExitCodes;
import dev.kapsel.sys.Terminal;
import dev.kapsel.sandbox.SandboxConfig;
import dev.kapsel.sandbox.SandboxLimits;
import dev.kapsel.sandbox.net.NetworkMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kapsel sandbox run}: runs a static Linux program from a root directory in the KVM user-mode sandbox. */
@Command(name = "sandbox", description = "Run programs in the KVM user-mode sandbox (no guest kernel).",
        subcommands = SandboxCommand.Run.class, mixinStandardHelpOptions = true)
public final class SandboxCommand implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    @Command(name = "run", description = "Run CMD from the root file system DIR; exits with the program's status (128+N for signal N).",
            mixinStandardHelpOptions = true)
    static final class Run implements Callable<Integer> {
        @Option(names = "--rootfs", required = true, paramLabel = "DIR", description = "unpacked image root (read-only lower layer)")
        Path rootfs;

        @Option(names = "--strace", description = "print every system call to stderr")
        boolean strace;

        @Option(names = "--memory", paramLabel = "MiB", defaultValue = "256", description = "memory limit (default ${DEFAULT-VALUE})")
        long memoryMiB;

        @Option(names = {"-e", "--env"}, paramLabel = "K=V", description = "environment variable (repeatable)")
        List<String> env = new ArrayList<>();

        @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", defaultValue = "/", description = "working directory in the sandbox")
        String workdir;

        @Option(names = "--stats", description = "print counters (system calls, exits, page faults, unimplemented calls) to stderr")
        boolean stats;

        @Option(names = "--network", paramLabel = "MODE", defaultValue = "none",
                description = "none (default: AF_UNIX only, AF_INET/AF_INET6 fail with EAFNOSUPPORT) or host (TCP/UDP on host sockets)")
        String network;

        @Option(names = {"-t", "--tty"}, description = "stdin is this terminal and the program is its foreground: Ctrl-C (the terminal's SIGINT to kapsel) "
                + "goes to the sandbox's foreground process group")
        boolean tty;

        @Option(names = {"-v", "--volume"}, paramLabel = "HOSTDIR:CTRDIR[:ro]",
                description = {"Mount a host directory (or file) at CTRDIR (repeatable, in order). The sandbox resolves every name",
                    "beneath it on the host (no '..' or symlink leaves it); ':ro' refuses every change with EROFS."})
        List<String> volumes = new ArrayList<>();

        @Option(names = "--mount", paramLabel = "type=bind,source=S,target=T[,readonly]",
                description = "The same bind, in --mount syntax (repeatable).")
        List<String> bindMounts = new ArrayList<>();

        @Parameters(arity = "1..*", paramLabel = "CMD [ARG...]")
        List<String> command;

        @Override
        public Integer call() {
            SandboxLimits limits;
            try {
                limits = SandboxLimits.ofMemoryMiB(memoryMiB);
            } catch (IllegalArgumentException e) {
                System.err.println("kapsel sandbox: " + e.getMessage());
                return ExitCodes.RUNTIME_FAILURE;
            }
            if (tty && !Terminal.isTerminal(0)) {
                System.err.println("kapsel sandbox: -t needs stdin to be a terminal (run it from a terminal, or drop -t)");
                return ExitCodes.RUNTIME_FAILURE;
            }
            NetworkMode networkMode;
            try {
                networkMode = NetworkMode.parse(network);
            } catch (IllegalArgumentException e) {
                System.err.println("kapsel sandbox: " + e.getMessage());
                return ExitCodes.RUNTIME_FAILURE;
            }
            List<String> environment = new ArrayList<>(SandboxConfig.DEFAULT_ENV);
            for (String e : env) {
                if (!e.contains("=")) {
                    System.err.println("kapsel sandbox: -e needs K=V, not " + e);
                    return ExitCodes.RUNTIME_FAILURE;
                }
                String key = e.substring(0, e.indexOf('=') + 1);
                environment.removeIf(v -> v.startsWith(key));
                environment.add(e);
            }
            List<SandboxConfig.Bind> binds = new ArrayList<>();
            try {
                List<ContainerLaunch.Mount> mounts = new ArrayList<>();
                volumes.forEach(v -> mounts.add(BindOptions.volume(v)));
                bindMounts.forEach(m -> mounts.add(BindOptions.mount(m)));
                for (ContainerLaunch.Mount m : mounts) {
                    binds.add(new SandboxConfig.Bind(Path.of(m.source()), m.destination(), m.readOnly()));
                }
            } catch (IllegalArgumentException e) {
                System.err.println("kapsel sandbox: " + e.getMessage());
                return ExitCodes.RUNTIME_FAILURE;
            }
            SandboxConfig config = new SandboxConfig(rootfs, command, environment, workdir, 0, 1, 2, limits,
                    strace ? System.err : null, networkMode, null, null, binds, false);
            return SandboxLauncher.run(config, stats);
        }
    }
}
