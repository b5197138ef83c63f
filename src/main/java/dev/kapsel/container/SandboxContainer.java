package dev.kapsel.container;

import dev.kapsel.agent.ExitStatus;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.sandbox.Sandbox;
import dev.kapsel.sandbox.SandboxResult;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One program running in a sandbox on a thread of this process. The sandbox cannot take a signal from
 * outside (its host process's default actions end it instead), pause, or exec into itself.
 */
final class SandboxContainer implements RunningContainer {
    /** O_APPEND, as open(2) has it (Libc names only the flags it needed so far). */
    private static final int O_APPEND = 02000;

    private final Thread thread;
    private final List<Integer> opened;
    private volatile ExitStatus status;

    private SandboxContainer(Thread thread, List<Integer> opened) {
        this.thread = thread;
        this.opened = opened;
    }

    static SandboxContainer start(ContainerLaunch launch) throws ContainerStartException {
        List<Integer> opened = new ArrayList<>();
        ContainerLaunch.Stdio io = launch.stdio();
        try {
            // Without stdin the program reads end of file at once, as with Docker without -i.
            int in = io.stdin() >= 0 ? io.stdin() : remember(opened, SandboxIsolation.devNull());
            int out = io.stdoutFile() != null ? remember(opened, append(io.stdoutFile())) : io.stdout();
            int err = io.stderrFile() != null ? remember(opened, append(io.stderrFile())) : io.stderr();
            var config = SandboxIsolation.config(launch, in, out, err);
            SandboxContainer[] self = new SandboxContainer[1];
            Thread t = Thread.ofPlatform().name("sandbox").unstarted(() -> self[0].status = run(config));
            self[0] = new SandboxContainer(t, opened);
            t.start();
            return self[0];
        } catch (ContainerStartException.Unsupported | RuntimeException e) {
            opened.forEach(Libc::close);
            throw e;
        }
    }

    private static int remember(List<Integer> opened, int fd) {
        opened.add(fd);
        return fd;
    }

    private static int append(Path file) throws ContainerStartException {
        try {
            return Libc.open(file.toString(), Libc.O_WRONLY | Libc.O_CREAT | O_APPEND | Libc.O_CLOEXEC, 0644);
        } catch (SyscallException e) {
            throw new ContainerStartException.HostIo("cannot open " + file, new java.io.IOException(e.getMessage(), e));
        }
    }

    /** Runs the program; a reason goes to stderr when a signal ended it or it never ran. */
    private static ExitStatus run(dev.kapsel.sandbox.SandboxConfig config) {
        SandboxResult result;
        try {
            result = Sandbox.run(config);
        } catch (KvmUnavailableException | IllegalArgumentException e) {
            System.err.println("kapsel: " + e.getMessage());
            return ExitStatus.exited(ExitCodes.RUNTIME_FAILURE);
        }
        if (result.needsReason()) {
            System.err.println("kapsel: " + result.reason());
        }
        return SandboxIsolation.status(result.exitStatus(), result.signal());
    }

    @Override
    public void signal(int signal) {
        throw new NotSupportedException("the sandbox cannot deliver signal " + signal + " into the program");
    }

    @Override
    public void resize(TerminalSize size) {
        // the program's terminal is the host's own: it sees the size change itself
    }

    @Override
    public ExitStatus await() throws InterruptedException {
        thread.join();
        return status;
    }


    @Override
    public void close() {
        for (int fd : opened) {
            try {
                Libc.close(fd);
            } catch (SyscallException ignored) {
                // already closed
            }
        }
        opened.clear();
    }
}
