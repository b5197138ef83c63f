package dev.kapsel.container;

import dev.kapsel.agent.AgentProcess;
import dev.kapsel.host.HostFd;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The host ends of a container process's stdio: bytes read from {@code stdin} (null: none, the
 * process's stdin is closed at once) go to the agent, the process's stdout and stderr are copied to
 * the two output streams. One copying thread per stream; output is complete when {@link Copying#await()}
 * returns. With a terminal everything the process writes comes on stdout (the guest pty).
 */
public record ProcessStdio(InputStream stdin, OutputStream stdout, OutputStream stderr) {
    private static final int BUFFER = 16 * 1024;

    /** The streams of a launch's stdio: its host descriptors, or its log files (appended to). */
    static ProcessStdio of(ContainerLaunch.Stdio stdio) throws IOException {
        InputStream in = stdio.stdin() < 0 ? null : HostFd.input(stdio.stdin());
        OutputStream out = stdio.stdoutFile() != null ? new FileOutputStream(stdio.stdoutFile().toFile(), true) : HostFd.output(stdio.stdout());
        OutputStream err = stdio.stderrFile() != null ? new FileOutputStream(stdio.stderrFile().toFile(), true) : HostFd.output(stdio.stderr());
        return new ProcessStdio(in, out, err);
    }

    /** The copying of one process's stdio. */
    public record Copying(AgentProcess process, Thread out, Thread err) {
        /** Waits for the process to end and its output to be drained. */
        public dev.kapsel.agent.ExitStatus await() throws IOException, InterruptedException {
            dev.kapsel.agent.ExitStatus status = process.waitFor();
            out.join();
            err.join();
            return status;
        }
    }

    /** Starts copying between the process and these streams. */
    public Copying attach(AgentProcess process) throws IOException {
        Thread out = copy("stdout", process.stdout(), stdout);
        Thread err = copy("stderr", process.stderr(), stderr);
        if (stdin != null) {
            Thread.ofPlatform().daemon().name("stdin").start(() -> {
                try (OutputStream in = process.stdin()) {
                    stdin.transferTo(in);
                } catch (IOException ignored) {
                    // The process ended or closed its stdin.
                }
            });
        } else {
            process.stdin().close();
        }
        return new Copying(process, out, err);
    }

    private static Thread copy(String name, InputStream from, OutputStream to) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            byte[] buf = new byte[BUFFER];
            try {
                int n;
                while ((n = from.read(buf)) > 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // The stream ends with the process, or the host end was closed.
            }
        });
    }
}
