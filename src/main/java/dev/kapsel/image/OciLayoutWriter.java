package dev.kapsel.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an OCI image layout holding one image of one layer, the form {@link ImageStore#load} imports:
 * kapsel's own images ({@code build-unikernel}) are made this way, and so are the tests' images.
 */
public final class OciLayoutWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciLayoutWriter() {}

    /**
     * A layout in {@code dir} with the image {@code name}: {@code layerTar} (gzipped here) as its layer
     * and {@code config} as its config's {@code config} object (Env, Cmd, Labels, ...).
     */
    public static Path write(Path dir, String name, byte[] layerTar, Map<String, Object> config, Instant created)
            throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] layer = gzip(layerTar);
        String layerDigest = put(dir, layer);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("architecture", "amd64");
        doc.put("os", "linux");
        doc.put("created", created.toString());
        doc.put("config", config);
        doc.put("rootfs", Map.of("type", "layers", "diff_ids", List.of("sha256:" + sha256(layerTar))));
        byte[] configBytes = JSON.writeValueAsBytes(doc);
        String configDigest = put(dir, configBytes);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OciJson.MEDIA_MANIFEST);
        manifest.put("config", descriptor(OciJson.MEDIA_CONFIG, configDigest, configBytes.length, null));
        manifest.put("layers", List.of(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.length, null)));
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = put(dir, manifestBytes);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "manifests", List.of(
                descriptor(OciJson.MEDIA_MANIFEST, manifestDigest, manifestBytes.length, name)))));
        return dir;
    }

    private static Map<String, Object> descriptor(String mediaType, String hex, long size, String refName) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", "sha256:" + hex);
        d.put("size", size);
        if (refName != null) {
            d.put("annotations", Map.of("org.opencontainers.image.ref.name", refName));
        }
        return d;
    }

    /** {@code data} gzipped. */
    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static String put(Path dir, byte[] blob) throws IOException {
        String hex = sha256(blob);
        Files.write(dir.resolve("blobs/sha256/" + hex), blob);
        return hex;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
