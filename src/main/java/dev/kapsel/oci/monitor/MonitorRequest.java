package dev.kapsel.oci.monitor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.IsolationKind;
import dev.kapsel.host.Json;
import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.spec.OciProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a {@link ContainerMonitor} is to do, written as JSON into the container's directory by the
 * command that starts it and read (then removed) by the monitor: its one argument is this file's
 * path. A typed record both sides share, instead of positional arguments both had to agree on.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = MonitorRequest.Oci.class, name = "oci"),
               @JsonSubTypes.Type(value = MonitorRequest.Detached.class, name = "detached")})
public sealed interface MonitorRequest {
    /**
     * An OCI container's process ({@code create}, or {@code exec --detach}), state under {@code root}.
     *
     * @param process the process to run for an {@code exec} (null for the container's first process)
     * @param tty     whether the monitor's stdio is a terminal it should make its controlling one
     */
    record Oci(Mode mode, Path root, String id, Path logFile, RuntimeLog.Format logFormat, OciProcess process, boolean tty)
            implements MonitorRequest {
        public RuntimeLog log() {
            return new RuntimeLog(logFile, logFormat, System.err);
        }
    }

    /** The container's first process (waits for {@code start}), or another one in it. */
    enum Mode { INIT, EXEC }

    /** A {@code kapsel run -d} container of the registry under {@code registry}, with its whole launch. */
    record Detached(Path registry, String id, IsolationKind isolation, ContainerLaunch launch) implements MonitorRequest {}

    String id();

    /** Writes this request to {@code file} (in the container's directory). */
    default Path write(Path file) {
        try {
            Files.write(file, Json.RECORDS.writeValueAsBytes(this));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the request the command wrote and removes the file: it was for this monitor alone. */
    static MonitorRequest readOnce(Path file) throws IOException {
        MonitorRequest r = Json.RECORDS.readValue(file.toFile(), MonitorRequest.class);
        Files.deleteIfExists(file);
        return r;
    }
}
