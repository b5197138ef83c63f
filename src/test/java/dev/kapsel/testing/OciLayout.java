package dev.kapsel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes one-layer OCI image layouts for tests: a layer tar, the config's {@code config} object, a name. */
public final class OciLayout {
    private OciLayout() {}

    /**
     * An OCI layout in {@code dir} holding one image {@code name} whose one layer is {@code layerTar}
     * (gzipped here) and whose config's {@code config} object is {@code configFields} (JSON).
     */
    public static Path write(Path dir, String name, byte[] layerTar, String configFields) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] layer = gzip(layerTar);
        String layerDigest = put(dir, layer);
        String diffId = sha256(layerTar);
        String config = """
                {"architecture":"amd64","os":"linux","created":"2026-11-27T00:00:00Z",
                 "config":%s,
                 "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}
                """.formatted(configFields, diffId);
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configDigest = put(dir, configBytes);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}
                """.formatted(configDigest, configBytes.length, layerDigest, layer.length);
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        String manifestDigest = put(dir, manifestBytes);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), """
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}
                """.formatted(manifestDigest, manifestBytes.length, name));
        return dir;
    }

    /** A regular file entry. */
    public static void file(TarArchiveOutputStream tar, String name, int mode, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(mode);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static byte[] gzip(byte[] data) throws IOException {
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
