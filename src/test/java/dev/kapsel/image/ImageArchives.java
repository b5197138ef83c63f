package dev.kapsel.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes OCI layouts, oci-archives and docker-archives from layer tars, for tests. */
public final class ImageArchives {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageArchives() {}

    static Map<String, Object> config(List<Digest> diffIds) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("created", "2024-01-02T03:04:05Z");
        c.put("architecture", "amd64");
        c.put("os", "linux");
        c.put("config", Map.of("Entrypoint", List.of("/bin/sh"), "Cmd", List.of("-c", "echo hi"),
                "Env", List.of("PATH=/bin", "A=b"), "WorkingDir", "/w", "User", "1000:1000"));
        c.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds.stream().map(Digest::toString).toList()));
        return c;
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] content) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", Digest.of(content).toString());
        d.put("size", content.length);
        return d;
    }

    private static void blob(Path layout, byte[] content) throws IOException {
        Path p = layout.resolve("blobs/sha256").resolve(Digest.of(content).hex());
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    /** An OCI layout at {@code dir} with one image of the uncompressed {@code layers}, each stored as {@code compress} makes it. */
    public static Path layout(Path dir, String refName, UnaryOperator<byte[]> compress, byte[]... layers) throws IOException {
        Files.createDirectories(dir);
        List<Digest> diffIds = new ArrayList<>();
        List<Object> layerDescriptors = new ArrayList<>();
        for (byte[] layer : layers) {
            diffIds.add(Digest.of(layer));
            byte[] stored = compress.apply(layer);
            blob(dir, stored);
            layerDescriptors.add(descriptor(OciJson.MEDIA_LAYER_TAR, stored));
        }
        byte[] config = JSON.writeValueAsBytes(config(diffIds));
        blob(dir, config);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OciJson.MEDIA_MANIFEST);
        manifest.put("config", descriptor(OciJson.MEDIA_CONFIG, config));
        manifest.put("layers", layerDescriptors);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        blob(dir, manifestBytes);
        Map<String, Object> entry = descriptor(OciJson.MEDIA_MANIFEST, manifestBytes);
        if (refName != null) {
            entry.put("annotations", Map.of(Descriptor.REF_NAME, refName));
        }
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "manifests", List.of(entry))));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return dir;
    }

    /** Tars a directory's files (relative names) into {@code tar}. */
    public static Path tarDirectory(Path dir, Path tar) throws IOException {
        try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                TarArchiveEntry e = new TarArchiveEntry(f.toFile(), dir.relativize(f).toString());
                t.putArchiveEntry(e);
                Files.copy(f, t);
                t.closeArchiveEntry();
            }
        }
        return tar;
    }

    /** A {@code docker save}-style archive (legacy layout: {@code <hex>.json}, {@code <n>/layer.tar}). */
    public static Path dockerArchive(Path tar, String repoTag, List<Digest> diffIdsOrNull, byte[]... layers) throws IOException {
        Path dir = Files.createTempDirectory(tar.getParent(), "docker-");
        List<Digest> diffIds = new ArrayList<>();
        List<String> layerNames = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            diffIds.add(Digest.of(layers[i]));
            String name = "layer" + i + "/layer.tar";
            Files.createDirectories(dir.resolve("layer" + i));
            Files.write(dir.resolve(name), layers[i]);
            layerNames.add(name);
        }
        byte[] config = JSON.writeValueAsBytes(config(diffIdsOrNull != null ? diffIdsOrNull : diffIds));
        String configName = Digest.of(config).hex() + ".json";
        Files.write(dir.resolve(configName), config);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("Config", configName);
        entry.put("RepoTags", repoTag == null ? List.of() : List.of(repoTag));
        entry.put("Layers", layerNames);
        Files.write(dir.resolve("manifest.json"), JSON.writeValueAsBytes(List.of(entry)));
        return tarDirectory(dir, tar);
    }
}
