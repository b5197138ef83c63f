package dev.kapsel.container.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kapsel.host.ProcessIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What kapsel keeps about one container, in {@code ROOT/ID/state.json} of a {@link ContainerStore}:
 * the runc-style containers of the OCI verbs ({@code --root}) and the containers of
 * {@code kapsel run -d} (the state directory's {@code containers}) alike. Times are ISO-8601 instants.
 *
 * @param name         the name {@code kapsel ps} shows (null for an OCI container, whose id is its name)
 * @param image        the image reference a kapsel container runs (null for an OCI container)
 * @param bundle       the OCI bundle directory (null for a kapsel container)
 * @param rootfs       the bundle's root file system (null for a kapsel container)
 * @param command      the container's command line as the user gave it (empty for an OCI container,
 *                     whose process lives in the bundle's config.json)
 * @param monitorPid   the monitor process that stands for the container, with its start time
 *                     ({@code monitorStartTime}) so a reused PID is not mistaken for it; null until started
 * @param status       what was last recorded; {@link #observedStatus} says what holds now
 * @param exitCode     the process's shell status (128+N for signal N) once it ended and someone recorded it
 * @param isolation    the {@code IsolationKind} id (vm, sandbox) it runs in
 * @param vmSocket     for the micro-VM, the Unix socket of its vsock device (where {@code exec} reaches the
 *                     guest agent) once the container's process runs
 * @param removeOnExit {@code kapsel run --rm}: the record goes when the process ends
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ContainerRecord(String id, String name, String image, String bundle, String rootfs, List<String> command,
                              String created, String started, String finished, Long monitorPid, Long monitorStartTime,
                              ContainerStatus status, Integer exitCode, Map<String, String> annotations, String isolation,
                              String vmSocket, boolean removeOnExit) {
    public ContainerRecord {
        command = command == null ? List.of() : List.copyOf(command);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        status = status == null ? ContainerStatus.CREATING : status;
    }

    /** A new {@code kapsel run -d} container: creating until its monitor records that the process runs. */
    public static ContainerRecord ofImage(String id, String name, String image, List<String> command, String isolation,
                                          Instant now, boolean removeOnExit) {
        return new ContainerRecord(id, name, image, null, null, command, now.toString(), null, null, null, null,
                ContainerStatus.CREATING, null, null, isolation, null, removeOnExit);
    }

    /** A new OCI container of {@code bundle}: creating until {@code create} has started its monitor. */
    public static ContainerRecord ofBundle(String id, String bundle, String rootfs, Map<String, String> annotations,
                                           String isolation, Instant now) {
        return new ContainerRecord(id, null, null, bundle, rootfs, null, now.toString(), null, null, null, null,
                ContainerStatus.CREATING, null, annotations, isolation, null, false);
    }

    public ContainerRecord withStatus(ContainerStatus s) {
        return new ContainerRecord(id, name, image, bundle, rootfs, command, created, started, finished, monitorPid,
                monitorStartTime, s, exitCode, annotations, isolation, vmSocket, removeOnExit);
    }

    public ContainerRecord withMonitor(ProcessIdentity monitor) {
        return new ContainerRecord(id, name, image, bundle, rootfs, command, created, started, finished, monitor.pid(),
                monitor.startTime(), status, exitCode, annotations, isolation, vmSocket, removeOnExit);
    }

    public ContainerRecord withAnnotations(Map<String, String> a) {
        return new ContainerRecord(id, name, image, bundle, rootfs, command, created, started, finished, monitorPid,
                monitorStartTime, status, exitCode, a, isolation, vmSocket, removeOnExit);
    }

    public ContainerRecord withVmSocket(String socket) {
        return new ContainerRecord(id, name, image, bundle, rootfs, command, created, started, finished, monitorPid,
                monitorStartTime, status, exitCode, annotations, isolation, socket, removeOnExit);
    }

    /** The container's process runs since {@code now}. */
    public ContainerRecord running(Instant now) {
        return new ContainerRecord(id, name, image, bundle, rootfs, command, created, now.toString(), finished, monitorPid,
                monitorStartTime, ContainerStatus.RUNNING, exitCode, annotations, isolation, vmSocket, removeOnExit);
    }

    /** The process ended with shell status {@code code}; the first exit recorded stays. */
    public ContainerRecord exited(int code, Instant now) {
        if (status == ContainerStatus.STOPPED && exitCode != null) {
            return this;
        }
        return new ContainerRecord(id, name, image, bundle, rootfs, command, created, started, now.toString(), monitorPid,
                monitorStartTime, ContainerStatus.STOPPED, code, annotations, isolation, vmSocket, removeOnExit);
    }

    /** The monitor process, once one was recorded. */
    public Optional<ProcessIdentity> monitor() {
        return monitorPid == null || monitorStartTime == null ? Optional.empty()
                : Optional.of(new ProcessIdentity(monitorPid, monitorStartTime));
    }

    /** The status as it is now ({@link #observedStatus(Predicate)} with the host's processes). */
    public ContainerStatus observedStatus() {
        return observedStatus(ProcessIdentity::isAlive);
    }

    /**
     * The status as it is now: the recorded one while the monitor lives; {@code creating} before a
     * monitor was recorded; {@code stopped} once the monitor is gone (exited, crashed or killed, even if
     * nobody recorded it) or a monitor was never started for a record past creating.
     */
    public ContainerStatus observedStatus(Predicate<ProcessIdentity> alive) {
        if (status == ContainerStatus.STOPPED) {
            return status;
        }
        Optional<ProcessIdentity> m = monitor();
        if (m.isEmpty()) {
            return status == ContainerStatus.CREATING ? status : ContainerStatus.STOPPED;
        }
        return alive.test(m.get()) ? status : ContainerStatus.STOPPED;
    }
}
