package dev.kapsel.oci.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * A bundle's {@code config.json} as the OCI runtime specification defines it, reduced to the fields
 * kapsel reads. Unknown fields are ignored (the specification allows extensions); {@link ConfigReader}
 * checks the required ones.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OciConfig(String ociVersion, OciProcess process, Root root, String hostname, List<Mount> mounts,
                        Map<String, String> annotations, Linux linux) {
    public OciConfig {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** {@code root}: the container's root file system, relative to the bundle unless absolute. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Root(String path, boolean readonly) {}

    /** One entry of {@code mounts}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Mount(String destination, String type, String source, List<String> options) {
        public Mount {
            options = options == null ? List.of() : List.copyOf(options);
        }

        /** A bind mount: type "bind", or "none" with a bind option (both forms appear in engine output). */
        public boolean isBind() {
            return "bind".equals(type) || options.contains("bind") || options.contains("rbind");
        }
    }
}
