package dev.kapsel.cli.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON output of the OCI verbs: indented like runc's. */
final class OciJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciJson() {}

    static String pretty(Object value) throws JsonProcessingException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    static String compact(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }
}
