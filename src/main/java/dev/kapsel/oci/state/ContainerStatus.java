package dev.kapsel.oci.state;

import com.fasterxml.jackson.annotation.JsonValue;

/** The runtime specification's container status values, as they appear in the state JSON. */
public enum ContainerStatus {
    CREATING("creating"), CREATED("created"), RUNNING("running"), PAUSED("paused"), STOPPED("stopped");

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
