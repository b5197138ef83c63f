package dev.kapsel.container.detached;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kapsel.host.ProcessIdentity;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * What kapsel keeps about one container started with {@code kapsel run -d}, in
 * {@code <state>/containers/<id>/container.json}: who it is (id, name, image, command, creation time),
 * the monitor process that runs its micro-VM (PID and start time, so a reused PID is not mistaken for
 * it), how far it got, and its exit status once it ended. Times are ISO-8601 instants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DetachedContainer(String id, String name, String image, List<String> command, String created,
                                Long monitorPid, Long monitorStartTime, Phase phase, String started, String finished,
                                Integer exitCode, boolean removeOnExit) {
    /** What the monitor last recorded. */
    public enum Phase {
        /** The record exists; the monitor is booting the micro-VM. */
        @JsonProperty("created") CREATED,
        /** The guest agent started the container's process. */
        @JsonProperty("running") RUNNING,
        /** The process ended; {@link #exitCode} holds its status. */
        @JsonProperty("exited") EXITED
    }

    public DetachedContainer {
        command = command == null ? List.of() : List.copyOf(command);
        phase = phase == null ? Phase.CREATED : phase;
    }

    static DetachedContainer newRecord(String id, String name, String image, List<String> command, Instant now,
                                     boolean removeOnExit) {
        return new DetachedContainer(id, name, image, command, now.toString(), null, null, Phase.CREATED, null, null,
                null, removeOnExit);
    }

    /** The first 12 hex digits of the id, as {@code ps} shows it. */
    public String shortId() {
        return ContainerId.shorten(id);
    }

    public DetachedContainer withMonitor(ProcessIdentity monitor) {
        return new DetachedContainer(id, name, image, command, created, monitor.pid(), monitor.startTime(), phase, started,
                finished, exitCode, removeOnExit);
    }

    public DetachedContainer running(Instant now) {
        return new DetachedContainer(id, name, image, command, created, monitorPid, monitorStartTime, Phase.RUNNING,
                now.toString(), finished, exitCode, removeOnExit);
    }

    /** The process ended with {@code status} (shell style: 128+N for signal N); kept if already recorded. */
    public DetachedContainer exited(int status, Instant now) {
        if (phase == Phase.EXITED) {
            return this;
        }
        return new DetachedContainer(id, name, image, command, created, monitorPid, monitorStartTime, Phase.EXITED,
                started, now.toString(), status, removeOnExit);
    }

    /** The monitor process, when it has been recorded. */
    public java.util.Optional<ProcessIdentity> monitor() {
        return monitorPid == null || monitorStartTime == null ? java.util.Optional.empty()
                : java.util.Optional.of(new ProcessIdentity(monitorPid, monitorStartTime));
    }

    /** The state as of now: the record, checked against whether its monitor process still lives. */
    public ContainerState observe() {
        return observe(ProcessIdentity::isAlive);
    }

    ContainerState observe(Predicate<ProcessIdentity> alive) {
        if (phase == Phase.EXITED) {
            return new ContainerState.Exited(exitCode, finished == null ? null : Instant.parse(finished));
        }
        var m = monitor();
        if (m.isEmpty()) {
            return new ContainerState.Created();
        }
        if (!alive.test(m.get())) {
            // The monitor died without recording an exit (killed, crashed, host rebooted).
            return new ContainerState.Exited(null, null);
        }
        return phase == Phase.RUNNING ? new ContainerState.Up(Instant.parse(started)) : new ContainerState.Created();
    }
}
