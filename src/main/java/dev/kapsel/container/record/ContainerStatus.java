package dev.kapsel.container.record;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A container's status, with the runtime specification's values (as they appear in the state JSON),
 * for OCI and {@code kapsel run -d} containers alike.
 */
public enum ContainerStatus {
    /** The record exists; the monitor is being started, or (kapsel run -d) boots the container. */
    CREATING("creating"),
    /** OCI: the monitor holds the container, waiting for {@code start}. */
    CREATED("created"),
    RUNNING("running"),
    /** The micro-VM is parked (runc's pause). */
    PAUSED("paused"),
    /** The process ended (or its monitor is gone). */
    STOPPED("stopped");

    private final String json;

    ContainerStatus(String json) {
        this.json = json;
    }

    /** Whether the container's process exists (its monitor holds it): it can be signalled and listed. */
    public boolean hasProcess() {
        return this == CREATED || this == RUNNING || this == PAUSED;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
