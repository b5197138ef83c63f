package dev.kapsel.oci;

import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The runtime's {@code --log} file in {@code --log-format text} or {@code json}. JSON lines have the
 * shape containerd's runc shim reads back for its error message:
 * {@code {"level":"error","msg":"...","time":"..."}}. Errors also go to stderr as one line; warnings
 * go to stderr only when there is no log file.
 */
public final class RuntimeLog {
    public enum Format { TEXT, JSON }

    private final Path file;
    private final Format format;
    private final PrintStream stderr;
    private final boolean debug;

    public RuntimeLog(Path file, Format format, PrintStream stderr) {
        this(file, format, stderr, false);
    }

    private RuntimeLog(Path file, Format format, PrintStream stderr, boolean debug) {
        this.file = file;
        this.format = format;
        this.stderr = stderr;
        this.debug = debug;
    }

    /** This log, writing {@link #debug} lines too when {@code enabled} (runc's {@code --debug}). */
    public RuntimeLog withDebug(boolean enabled) {
        return new RuntimeLog(file, format, stderr, enabled);
    }

    public boolean debugEnabled() {
        return debug;
    }

    public static Format parseFormat(String text) {
        return switch (text) {
            case "text" -> Format.TEXT;
            case "json" -> Format.JSON;
            default -> throw new IllegalArgumentException("--log-format must be text or json, not " + text);
        };
    }

    public Path file() {
        return file;
    }

    public Format format() {
        return format;
    }

    public void error(String message) {
        stderr.println("kapsel: " + message);
        stderr.flush();
        append("error", message);
    }

    public void warn(String message) {
        if (file == null) {
            stderr.println("kapsel: warning: " + message);
            stderr.flush();
        } else {
            append("warning", message);
        }
    }

    public void info(String message) {
        append("info", message);
    }

    /** With {@code --debug}: one {@code level=debug} line in the log file, or on stderr when there is none (as runc's logrus). */
    public void debug(String message) {
        if (!debug) {
            return;
        }
        if (file == null) {
            stderr.println(line("debug", message, Instant.now()));
            stderr.flush();
        } else {
            append("debug", message);
        }
    }

    /** One line in the configured format, exactly as it is written to the log file. */
    public String line(String level, String message, Instant time) {
        if (format == Format.JSON) {
            // Jackson only here: a text log (and a verb that writes no JSON) starts without it
            ObjectNode n = Json.FOREIGN.createObjectNode();
            n.put("level", level);
            n.put("msg", message);
            n.put("time", time.toString());
            return n.toString();
        }
        return "time=\"" + time + "\" level=" + level + " msg=\"" + message.replace("\"", "\\\"") + "\"";
    }

    private void append(String level, String message) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, line(level, message, Instant.now()) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            stderr.println("kapsel: cannot write log " + file + ": " + e.getMessage());
        }
    }
}
