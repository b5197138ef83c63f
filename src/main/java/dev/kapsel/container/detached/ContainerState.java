package dev.kapsel.container.detached;

import java.time.Instant;

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
