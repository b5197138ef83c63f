package dev.kapsel.cli;

import dev.kapsel.container.ContainerProcess;
import dev.kapsel.container.ExitCodes;
import dev.kapsel.container.ProcessSpecResolver;
import dev.kapsel.container.SingleProgramImage;
import dev.kapsel.host.GuestKernels;
import dev.kapsel.host.Installation;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "build-unikernel", mixinStandardHelpOptions = true,
        description = {
            "Turn a stored image and one of its programs into a single-program micro-VM image: the guest kernel and an",
            "initramfs holding only the program, the libraries it loads (its ELF PT_INTERP and DT_NEEDED closure, found",
            "as the loader finds them) and the files given with --include; PID 1 is kapsel's small init, which starts the",
            "program under a seccomp filter that refuses new processes (fork, vfork, clone of a process: EPERM; threads",
            "are allowed) and ends the VM with it. No shell, no agent, nothing else to attack.",
            "The program and its arguments are the image's Entrypoint and Cmd as 'kapsel run' applies them, or COMMAND.",
            "Options go before IMAGE: everything after it is the command.",
            ""
        },
        footer = {
            "",
            "Run the result like any image: 'kapsel run NAME' (it is a unikernel image: docs/unikernels.md). Its output is",
            "the guest's serial console; exit 0 when the program exited 0, else 80, with a line naming the program's status.",
            "",
            "Examples:",
            "  kapsel build-unikernel -o hello-uk busybox:latest /bin/busybox echo hello",
            "  kapsel build-unikernel --include /usr/lib/python3.11 -o py-uk python:3 python3 -c 'print(42)'",
            "  kapsel run hello-uk"
        })
final class BuildUnikernelCommand implements Callable<Integer> {
    static final String PROGRAM_INIT = "target/agent/kapsel-program-init";

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "NAME", description = "Name of the image to store.")
    String output;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Replace the image's Entrypoint (and drop its Cmd).")
    String entrypoint;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME[=VALUE]", description = "Set an environment variable of the program.")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "The program's working directory.")
    String workdir;

    @Option(names = "--include", paramLabel = "PATH", description = {"Also copy this file or directory of the image (repeatable):",
            "data files, or an interpreter's library, e.g. /usr/lib/python3.11."})
    List<String> includes = new ArrayList<>();

    @Option(names = "--kernel", paramLabel = "PATH", description = "Guest kernel (default: the cached Debian cloud kernel's bzImage, else its vmlinux).")
    Path kernel;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A stored image (see 'kapsel images').")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Program and arguments (replace the image's Cmd).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ImageStore store = ImageStore.openDefault();
        Image img = RegistryAccess.find(store, image);
        ContainerProcess process;
        try {
            process = ProcessSpecResolver.resolve(
                    new ProcessSpecResolver.ImageDefaults(img.config().entrypoint(), img.config().cmd(), img.config().env(),
                            img.config().workingDir(), img.config().user()),
                    new ProcessSpecResolver.Overrides(entrypoint == null ? null : List.of(entrypoint), command, List.of(), env, workdir, null),
                    System::getenv);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCodes.RUNTIME_FAILURE, e.getMessage(), e);
        }
        Path init = Installation.repository().resolve(PROGRAM_INIT);
        if (!Files.isRegularFile(init)) {
            throw new CommandFailure(ExitCodes.RUNTIME_FAILURE, "kapsel's program init " + init + " is missing: run bin/setup", null);
        }
        Path k = kernel != null ? kernel : defaultKernel();
        SingleProgramImage.Result r;
        try {
            r = SingleProgramImage.build(store, new SingleProgramImage.Request(img.name(), process, includes, output, k, init),
                    Progress.forTerminal());
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.RUNTIME_FAILURE, "cannot build " + output + ": " + e.getMessage(), e);
        }
        System.out.printf("%s: %s, %d files, initramfs %d KiB, image %.1f MiB%n", r.image().name(), r.program(), r.files(),
                r.initramfsBytes() >> 10, r.image().size() / 1048576.0);
        return 0;
    }

    private static Path defaultKernel() {
        GuestKernels kernels = new GuestKernels(StateDirectory.resolve());
        return kernels.defaultBzImage().or(kernels::defaultVmlinux).orElseThrow(() -> new CommandFailure(ExitCodes.RUNTIME_FAILURE,
                "no --kernel given and no guest kernel cached under " + kernels.defaultDirectory() + ": run bin/setup", null));
    }
}
