package dev.kapsel.oci.state;

import com.fasterxml.jackson.annotation.JsonValue;

/** The runtime specification's container status values, as they appear in the state JSON. */
public enum ContainerStatus {
    CREATING("creating"), CREATED("created"), RUNNING("running"), STOPPED("stopped");

    private final String json;

    ContainerStatus(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
