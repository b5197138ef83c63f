package dev.kapsel.oci.monitor;

import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.host.ProcessIdentity;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a {@link ContainerMonitor} as a new host process: this JVM's own java binary, options and
 * class path, plus {@code -Xrs} so a terminating signal sent to the monitor ends it (and the
 * container in it) with that signal; without {@code -Xrs} when the backend catches signals and
 * delivers them into the container instead. Its stdio is this process's (the engine's pipes) or the
 * terminal's slave.
 */
public final class MonitorLauncher {
    private MonitorLauncher() {}

    public static ProcessIdentity launch(List<String> monitorArgs, String terminal, boolean catchesSignals) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.contains("jdwp") && !option.startsWith("-Xrs")) {
                command.add(option);
            }
        }
        if (!catchesSignals) {
            command.add("-Xrs");
        }
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ContainerMonitor.class.getName());
        command.addAll(monitorArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        if (terminal == null) {
            pb.inheritIO();
        } else {
            File tty = new File(terminal);
            pb.redirectInput(ProcessBuilder.Redirect.from(tty));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(tty));
            pb.redirectError(ProcessBuilder.Redirect.appendTo(tty));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the container monitor: " + e.getMessage(), e);
        }
        return ProcessIdentity.of(p.pid()).orElseThrow(() -> new IllegalStateException(
                "the container monitor (pid " + p.pid() + ") exited at once"));
    }

    /** The monitor's arguments: mode, root, id, log file ("-" for none), log format, then mode-specific ones. */
    public static List<String> args(String mode, Path root, String id, RuntimeLog log, String... extra) {
        List<String> a = new ArrayList<>(List.of(mode, root.toString(), id,
                log.file() == null ? "-" : log.file().toString(), log.format().name()));
        a.addAll(List.of(extra));
        return a;
    }
}
