package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.DetachedContainer;
import dev.kapsel.container.detached.NoSuchContainerException;
import dev.kapsel.host.MonitorCommand;
import dev.kapsel.host.ProcessIdentity;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The parent side of {@code kapsel run -d}: starts this same kapsel command line again as the
 * container's monitor process (same JVM options and class path, {@link #DETACHED_ID} naming the
 * recorded container, stdin {@code /dev/null}, stdout and stderr to the container's
 * {@code monitor.log}), then waits until the monitor records that the guest agent started the
 * process, or dies trying. The monitor makes itself a session leader, so it outlives this process
 * and the terminal.
 */
final class DetachedStart {
    /** Environment variable telling a re-executed {@code kapsel run -d} that it is the monitor of this container. */
    static final String DETACHED_ID = "KAPSEL_DETACHED_ID";
    /** The guest agent's own timeout plus the JVM's start-up. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int LOG_TAIL = 4096;

    private DetachedStart() {}

    /** Starts the monitor for {@code container}; returns 0 once it runs, else the monitor's failure status. */
    static int start(ContainerRegistry registry, DetachedContainer container, List<String> kapselArgs, boolean deliversSignals,
                     PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Path log = registry.monitorLog(container.id());
        ProcessBuilder pb = new ProcessBuilder(MonitorCommand.of(Main.class.getName(), kapselArgs, deliversSignals))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        pb.environment().put(DETACHED_ID, container.id());
        Process monitor = pb.start();
        ProcessIdentity.of(monitor.pid()).ifPresent(identity -> {
            try {
                registry.update(container.id(), r -> r.withMonitor(identity));
            } catch (NoSuchContainerException removedAlready) {
                // it ran and was removed (--rm) before we got here
            }
        });
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            DetachedContainer now;
            try {
                now = registry.load(container.id());
            } catch (NoSuchContainerException removed) {
                // Only a started container removes itself (--rm); a failed start leaves its record to us.
                return started(container, out);
            }
            if (now.phase() != DetachedContainer.Phase.CREATED) {
                return started(container, out);
            }
            if (!monitor.isAlive()) {
                int status = monitor.waitFor();
                err.print(tail(log));
                err.println("kapsel: container " + container.name() + " did not start (monitor exit status " + status + ")");
                err.flush();
                registry.remove(container.id());
                return status >= RunCommand.RUNTIME_FAILURE && status <= 127 ? status : RunCommand.RUNTIME_FAILURE;
            }
            if (System.nanoTime() - deadline >= 0) {
                monitor.destroyForcibly().waitFor();
                err.print(tail(log));
                err.println("kapsel: container " + container.name() + " did not start within " + START_TIMEOUT.toSeconds()
                        + " s; its monitor was killed");
                err.flush();
                registry.remove(container.id());
                return RunCommand.RUNTIME_FAILURE;
            }
            Thread.sleep(POLL);
        }
    }

    private static int started(DetachedContainer container, PrintWriter out) {
        out.println(container.id());
        out.flush();
        return 0;
    }

    private static String tail(Path log) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = Math.max(0, all.length - LOG_TAIL);
        return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }
}
