package dev.kapsel.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.host.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the OCI JSON documents (image index, image manifest, image config) and Docker's
 * {@code manifest.json} into records, with Jackson. Strict where a value reaches a path or a hash
 * (digests), lenient where Docker and OCI writers differ (absent optional fields).
 */
public final class OciJson {
    public static final String MEDIA_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String MEDIA_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** JSON documents larger than this are refused: no real manifest or config comes close. */
    public static final int MAX_DOCUMENT = 8 << 20;

    /** Trees only, and records out: the documents are other programs', read leniently. */
    private static final ObjectMapper JSON = Json.FOREIGN;

    private OciJson() {}

    static JsonNode tree(byte[] document, String what) throws MalformedImageException {
        try {
            JsonNode node = JSON.readTree(document);
            if (node == null || !node.isObject() && !node.isArray()) {
                throw new MalformedImageException(what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedImageException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new MalformedImageException(what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The manifests an {@code index.json} (OCI image index) lists. */
    public static List<Descriptor> indexManifests(byte[] document, String what) throws MalformedImageException {
        JsonNode root = tree(document, what);
        JsonNode manifests = root.path("manifests");
        if (!manifests.isArray()) {
            throw new MalformedImageException(what + " has no 'manifests' list");
        }
        List<Descriptor> result = new ArrayList<>();
        for (JsonNode m : manifests) {
            result.add(descriptor(m, what));
        }
        return result;
    }

    public static ImageManifest manifest(byte[] document, String what) throws MalformedImageException {
        JsonNode root = tree(document, what);
        String mediaType = root.path("mediaType").asText("");
        if (mediaType.equals(MEDIA_INDEX) || mediaType.equals(DOCKER_MANIFEST_LIST)) {
            throw new MalformedImageException(what + " is an image index, not a manifest");
        }
        if (!root.path("config").isObject()) {
            throw new MalformedImageException(what + " has no 'config' descriptor");
        }
        Descriptor config = descriptor(root.path("config"), what);
        List<Descriptor> layers = new ArrayList<>();
        JsonNode layerNodes = root.path("layers");
        if (!layerNodes.isArray()) {
            throw new MalformedImageException(what + " has no 'layers' list");
        }
        for (JsonNode l : layerNodes) {
            layers.add(descriptor(l, what));
        }
        return new ImageManifest(config, layers);
    }

    /** Serialises a manifest (used for Docker archives, whose manifests kapsel writes itself). */
    public static byte[] manifestDocument(ImageManifest manifest) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schemaVersion", 2);
        doc.put("mediaType", MEDIA_MANIFEST);
        doc.put("config", descriptorMap(manifest.config()));
        List<Object> layers = new ArrayList<>();
        for (Descriptor d : manifest.layers()) {
            layers.add(descriptorMap(d));
        }
        doc.put("layers", layers);
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> descriptorMap(Descriptor d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mediaType", d.mediaType());
        m.put("digest", d.digest().toString());
        m.put("size", d.size());
        return m;
    }

    public static ImageConfig config(byte[] document, String what) throws MalformedImageException {
        JsonNode root = tree(document, what);
        JsonNode c = root.path("config");
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : root.path("rootfs").path("diff_ids")) {
            diffIds.add(digest(d.asText(), what));
        }
        return new ImageConfig(strings(c.path("Entrypoint"), what, "Entrypoint"), strings(c.path("Cmd"), what, "Cmd"),
                strings(c.path("Env"), what, "Env"), c.path("WorkingDir").asText(""), c.path("User").asText(""),
                instant(root.path("created").asText(null)), root.path("os").asText(""),
                root.path("architecture").asText(""), diffIds, labels(c.path("Labels"), what));
    }

    /** {@code config.Labels}: an object of strings (null or missing: none). */
    private static Map<String, String> labels(JsonNode node, String what) throws MalformedImageException {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new MalformedImageException(what + ": Labels is not an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw new MalformedImageException(what + ": label '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static List<String> strings(JsonNode node, String what, String field) throws MalformedImageException {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            // Some old writers store a single string; Docker treats it as one argument.
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new MalformedImageException(what + ": " + field + " is not a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw new MalformedImageException(what + ": " + field + " is not a list of strings");
            }
            out.add(n.asText());
        }
        return out;
    }

    private static Instant instant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static Descriptor descriptor(JsonNode node, String what) throws MalformedImageException {
        if (!node.isObject()) {
            throw new MalformedImageException(what + ": a descriptor is not an object");
        }
        Digest digest = digest(node.path("digest").asText(null), what);
        JsonNode size = node.path("size");
        if (!size.canConvertToLong() || size.asLong() < 0) {
            throw new MalformedImageException(what + ": descriptor " + digest + " has no valid size");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        node.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        JsonNode platform = node.path("platform");
        String p = platform.isObject() ? platform.path("os").asText("") + "/" + platform.path("architecture").asText("") : null;
        return new Descriptor(node.path("mediaType").asText(""), digest, size.asLong(), annotations, p);
    }

    static Digest digest(String text, String what) throws MalformedImageException {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedImageException(what + ": " + e.getMessage());
        }
    }
}
