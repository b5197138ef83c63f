package dev.kapsel.oci.monitor;

import dev.kapsel.host.MonitorCommand;
import dev.kapsel.host.ProcessIdentity;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a {@link ContainerMonitor} as a new host process ({@link MonitorCommand}: with {@code -Xrs}
 * exactly when the isolation cannot deliver signals) with its request file as the one argument. Its
 * stdio is this process's (the engine's pipes) or the terminal's slave.
 */
public final class MonitorLauncher {
    private MonitorLauncher() {}

    /** An OCI monitor on this process's stdio (the engine's pipes), or with all three on {@code terminal}. */
    public static ProcessIdentity launch(Path requestFile, String terminal, boolean deliversSignals) {
        ProcessBuilder pb = builder(requestFile, deliversSignals);
        if (terminal == null) {
            pb.inheritIO();
        } else {
            File tty = new File(terminal);
            pb.redirectInput(ProcessBuilder.Redirect.from(tty));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(tty));
            pb.redirectError(ProcessBuilder.Redirect.appendTo(tty));
        }
        Process p = start(pb);
        return ProcessIdentity.of(p.pid()).orElseThrow(() -> new IllegalStateException(
                "the container monitor (pid " + p.pid() + ") exited at once"));
    }

    /** A detached container's monitor: no stdin, its own messages appended to {@code log} (the container's output has log files of its own). */
    public static Process launchLogging(Path requestFile, Path log, boolean deliversSignals) {
        ProcessBuilder pb = builder(requestFile, deliversSignals)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        return start(pb);
    }

    private static ProcessBuilder builder(Path requestFile, boolean deliversSignals) {
        return MonitorCommand.builder(ContainerMonitor.class.getName(), List.of(requestFile.toString()), deliversSignals);
    }

    private static Process start(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the container monitor: " + e.getMessage(), e);
        }
    }
}
