package dev.kapsel.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A host process named so that a reused PID is not mistaken for it: the PID and its start time
 * (field 22 of {@code /proc/PID/stat}, clock ticks since boot). A zombie counts as gone.
 */
public record ProcessIdentity(long pid, long startTime) {
    private static final Path PROC = Path.of("/proc");

    /** The process now running as {@code pid}, or empty when there is none (or only its zombie). */
    public static Optional<ProcessIdentity> of(long pid) {
        return read(PROC, pid);
    }

    static Optional<ProcessIdentity> read(Path proc, long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        String stat;
        try {
            stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        return parse(pid, stat);
    }

    /** Parses a {@code /proc/PID/stat} line; the command name may contain spaces and parentheses. */
    static Optional<ProcessIdentity> parse(long pid, String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split(" +");
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        if (fields.length < 20) {
            return Optional.empty();
        }
        String state = fields[0];
        if (state.equals("Z") || state.equals("X") || state.equals("x")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessIdentity(pid, Long.parseLong(fields[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True while the same process (same PID and start time) is alive and not a zombie. */
    public boolean isAlive() {
        return isAlive(PROC);
    }

    boolean isAlive(Path proc) {
        return read(proc, pid).map(now -> now.startTime == startTime).orElse(false);
    }
}
