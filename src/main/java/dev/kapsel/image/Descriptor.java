package dev.kapsel.image;

import java.util.Map;

/**
 * An OCI content descriptor (image spec, "Descriptors"): what a blob is, its digest and size, and
 * for index entries the platform it is for.
 *
 * @param platform {@code os/architecture} for image-index entries, null when absent
 */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations, String platform) {
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    public Descriptor {
        annotations = Map.copyOf(annotations);
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + digest);
        }
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, Map.of(), null);
    }
}
