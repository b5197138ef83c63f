package dev.kapsel.image.registry;

import dev.kapsel.image.OciJson;
import java.util.Set;

/** The manifest media types of the OCI image spec and Docker's schema 2, which kapsel asks for and accepts. */
final class MediaTypes {
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final Set<String> INDEXES = Set.of(OciJson.MEDIA_INDEX, OciJson.DOCKER_MANIFEST_LIST);
    static final Set<String> MANIFESTS = Set.of(OciJson.MEDIA_MANIFEST, DOCKER_MANIFEST);
    /** The Accept header of a manifest request: every type kapsel can use, none it cannot. */
    static final String ACCEPT = String.join(", ", OciJson.MEDIA_MANIFEST, DOCKER_MANIFEST, OciJson.MEDIA_INDEX, OciJson.DOCKER_MANIFEST_LIST);

    private MediaTypes() {}

    /** The media type without parameters ({@code ; charset=utf-8}). */
    static String bare(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    }
}
