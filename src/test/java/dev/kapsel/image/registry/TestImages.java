package dev.kapsel.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapsel.image.Digest;
import dev.kapsel.image.ImageArchives;
import dev.kapsel.image.OciJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** OCI layouts for the registry tests: layers of seeded random bytes (so nothing compresses or repeats by accident). */
final class TestImages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {}

    /** A layer tar holding {@code /<name>/data} ({@code size} random bytes) and {@code /<name>/hello}. */
    static byte[] layer(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry dir = new TarArchiveEntry(name + "/");
            dir.setMode(0755);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            file(tar, name + "/data", data);
            file(tar, name + "/hello", ("hello from " + name + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0644);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** An OCI layout at {@code dir} with image {@code ref} of {@code layers} layers, {@code size} bytes each. */
    static Path layout(Path dir, String ref, int layers, int size, long seed) throws IOException {
        byte[][] tars = new byte[layers][];
        for (int i = 0; i < layers; i++) {
            tars[i] = layer("l" + i, size, seed * 1000 + i);
        }
        return ImageArchives.layout(dir, ref, UnaryOperator.identity(), tars);
    }

    /**
     * A layout whose entry {@code ref} is an image index of two images, for linux/arm64/v8 and
     * linux/amd64 (in that order, so picking the first would be wrong).
     */
    static Path multiPlatform(Path dir, String ref) throws IOException {
        Path arm = layout(dir.resolveSibling(dir.getFileName() + "-arm"), null, 1, 4096, 71);
        Path amd = layout(dir.resolveSibling(dir.getFileName() + "-amd"), null, 2, 4096, 72);
        Files.createDirectories(dir.resolve("blobs/sha256"));
        ArrayNode manifests = JSON.createArrayNode();
        for (Path part : new Path[] {arm, amd}) {
            try (Stream<Path> blobs = Files.list(part.resolve("blobs/sha256"))) {
                for (Path b : blobs.toList()) {
                    Files.copy(b, dir.resolve("blobs/sha256").resolve(b.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            ObjectNode entry = (ObjectNode) JSON.readTree(part.resolve("index.json").toFile()).path("manifests").get(0);
            ObjectNode platform = entry.putObject("platform");
            platform.put("os", "linux");
            platform.put("architecture", part == arm ? "arm64" : "amd64");
            if (part == arm) {
                platform.put("variant", "v8");
            }
            manifests.add(entry);
        }
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OciJson.MEDIA_INDEX);
        index.set("manifests", manifests);
        byte[] indexBytes = JSON.writeValueAsBytes(index);
        Files.write(dir.resolve("blobs/sha256").resolve(Digest.of(indexBytes).hex()), indexBytes);
        ObjectNode top = JSON.createObjectNode();
        top.put("schemaVersion", 2);
        ObjectNode entry = top.putArray("manifests").addObject();
        entry.put("mediaType", OciJson.MEDIA_INDEX);
        entry.put("digest", Digest.of(indexBytes).toString());
        entry.put("size", indexBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", ref);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(top));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return dir;
    }

    /** The digest of the entry for {@code architecture} in an image index (skopeo recompresses layers, so the registry's index is not the layout's). */
    static Digest platformManifest(String index, String architecture) throws IOException {
        for (JsonNode m : JSON.readTree(index).path("manifests")) {
            if (m.path("platform").path("architecture").asText().equals(architecture)) {
                return Digest.parse(m.path("digest").asText());
            }
        }
        throw new IllegalArgumentException("no " + architecture + " in " + index);
    }
}
