package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.container.ExitCodes;
import dev.kapsel.host.ProcessIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The parent side of {@code kapsel run -d}: starts the container's monitor process (the one monitor
 * program, with the container's request file; stdin {@code /dev/null}, its own messages to the
 * container's {@code monitor.log}), then waits until the monitor records that the process runs, or
 * dies trying. The monitor makes itself a session leader, so it outlives this process
 * and the terminal.
 */
public final class DetachedStart {
    /** The guest agent's own timeout plus the JVM's start-up. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int LOG_TAIL = 4096;

    private DetachedStart() {}

    /** Starts the monitor for {@code container}; returns 0 once it runs, else the monitor's failure status. */
    public static int start(ContainerRegistry registry, ContainerRecord container, Function<Path, Process> startMonitor,
                            PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Path log = registry.monitorLog(container.id());
        Process monitor = startMonitor.apply(log);
        ProcessIdentity.of(monitor.pid()).ifPresent(identity -> {
            try {
                registry.update(container.id(), r -> r.withMonitor(identity));
            } catch (NoSuchContainerException removedAlready) {
                // it ran and was removed (--rm) before we got here
            }
        });
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            ContainerRecord now;
            try {
                now = registry.load(container.id());
            } catch (NoSuchContainerException removed) {
                // Only a started container removes itself (--rm); a failed start leaves its record to us.
                return started(container, out);
            }
            if (now.status() != ContainerStatus.CREATING) {
                return started(container, out);
            }
            if (!monitor.isAlive()) {
                int status = monitor.waitFor();
                err.print(tail(log));
                err.println("kapsel: container " + container.name() + " did not start (monitor exit status " + status + ")");
                err.flush();
                registry.remove(container.id());
                return status >= ExitCodes.RUNTIME_FAILURE && status <= 127 ? status : ExitCodes.RUNTIME_FAILURE;
            }
            if (System.nanoTime() - deadline >= 0) {
                monitor.destroyForcibly().waitFor();
                err.print(tail(log));
                err.println("kapsel: container " + container.name() + " did not start within " + START_TIMEOUT.toSeconds()
                        + " s; its monitor was killed");
                err.flush();
                registry.remove(container.id());
                return ExitCodes.RUNTIME_FAILURE;
            }
            Thread.sleep(POLL);
        }
    }

    private static int started(ContainerRecord container, PrintWriter out) {
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
