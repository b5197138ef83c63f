package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.host.ProcessIdentity;
import java.time.Instant;
import java.util.function.Predicate;

/** A detached container's state as {@code ps} reports it: derived from its record and its monitor's liveness. */
public sealed interface ContainerState {
    /** The monitor is starting the micro-VM (or was never recorded). */
    record Created() implements ContainerState {}

    /** The container's process runs since {@code since}. */
    record Up(Instant since) implements ContainerState {}

    /**
     * The container ended: {@code exitCode} and {@code at} are null when its monitor died without
     * recording them (killed with SIGKILL, crashed).
     */
    record Exited(Integer exitCode, Instant at) implements ContainerState {}

    /** The state as of now: the record, checked against whether its monitor process still lives. */
    static ContainerState of(ContainerRecord record) {
        return of(record, ProcessIdentity::isAlive);
    }

    static ContainerState of(ContainerRecord record, Predicate<ProcessIdentity> alive) {
        if (record.status() == ContainerStatus.STOPPED) {
            return new Exited(record.exitCode(), record.finished() == null ? null : Instant.parse(record.finished()));
        }
        return switch (record.observedStatus(alive)) {
            // The monitor died without recording an exit (killed, crashed, host rebooted).
            case STOPPED -> new Exited(null, null);
            case RUNNING, PAUSED -> new Up(Instant.parse(record.started()));
            case CREATING, CREATED -> new Created();
        };
    }

    /** True while the container holds resources: its monitor (and micro-VM) lives. */
    default boolean isActive() {
        return !(this instanceof Exited);
    }

    /** Docker's wording: {@code Up 5 seconds}, {@code Exited (3) 2 minutes ago}, {@code Exited (unknown)}, {@code Created}. */
    default String describe(Instant now) {
        return switch (this) {
            case Created c -> "Created";
            case Up u -> "Up " + HumanDuration.of(u.since(), now);
            case Exited(Integer code, Instant at) when code == null -> "Exited (unknown)";
            case Exited(Integer code, Instant at) -> "Exited (" + code + ")" + (at == null ? "" : " " + HumanDuration.of(at, now) + " ago");
        };
    }
}
