package dev.kapsel.oci.monitor;

import dev.kapsel.host.Json;
import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.spec.OciProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a {@link ContainerMonitor} is to do, written as JSON into the container's directory by the
 * verb that starts it and read (then removed) by the monitor: its one argument is this file's path.
 * A typed record both sides share, instead of positional arguments both had to agree on.
 *
 * @param process the process to run for an {@code exec} (null for the container's first process)
 * @param tty     whether the monitor's stdio is a terminal it should make its controlling one
 */
public record MonitorRequest(Mode mode, Path root, String id, Path logFile, RuntimeLog.Format logFormat, OciProcess process,
                             boolean tty) {
    /** The container's first process (waits for {@code start}), or another one in it. */
    public enum Mode { INIT, EXEC }

    public RuntimeLog log() {
        return new RuntimeLog(logFile, logFormat, System.err);
    }

    /** Writes this request to {@code file} (in the container's directory). */
    public Path write(Path file) {
        try {
            Files.write(file, Json.RECORDS.writeValueAsBytes(this));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the request the verb wrote and removes the file: it was for this monitor alone. */
    public static MonitorRequest readOnce(Path file) throws IOException {
        MonitorRequest r = Json.RECORDS.readValue(file.toFile(), MonitorRequest.class);
        Files.deleteIfExists(file);
        return r;
    }
}
