package dev.kapsel.oci.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The {@code linux} object of config.json: resources (memory and CPU map to the container's size),
 * and the parts kapsel reads only to report that it cannot honour them (devices, seccomp).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Linux(Resources resources, List<Device> devices, JsonNode seccomp, List<Namespace> namespaces) {
    public Linux {
        devices = devices == null ? List.of() : List.copyOf(devices);
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resources(Memory memory, Cpu cpu) {}

    /** {@code resources.memory}; limit in bytes, null or negative for none. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Memory(Long limit) {}

    /** {@code resources.cpu}: quota/period in microseconds give a number of CPUs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cpu(Long shares, Long quota, Long period, String cpus) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Device(String type, String path, Long major, Long minor) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Namespace(String type, String path) {}
}
