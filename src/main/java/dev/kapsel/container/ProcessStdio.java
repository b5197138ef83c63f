package dev.kapsel.container;

import dev.kapsel.agent.AgentProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The host ends of a container process's stdio: bytes read from {@code stdin} (null: none, the
 * process's stdin is closed at once) go to the agent, the process's stdout and stderr are copied to
 * the two output streams. One copying thread per stream; output is complete when the process's
 * exit status is returned.
 */
public record ProcessStdio(InputStream stdin, OutputStream stdout, OutputStream stderr) {
    private static final int BUFFER = 16 * 1024;

    /** Copies until the process ends and its output is drained; returns the shell-style status. */
    public int attach(AgentProcess process) throws IOException, InterruptedException {
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
        int status = process.waitFor().shellStatus();
        out.join();
        err.join();
        return status;
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
