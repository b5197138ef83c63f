package dev.kapsel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a one-layer OCI image layout around Debian's static busybox: /bin/busybox with sh, id, env,
 * pwd, cat, echo, sleep, ls, true, false, tty as links, /etc/passwd and /etc/group with an unprivileged user, and a config
 * that sets Env, WorkingDir and Cmd. Used by tests of the run path.
 */
public final class BusyboxImage {
    public static final String NAME = "kapsel-test/busybox:latest";
    private static final List<String> APPLETS = List.of("sh", "id", "env", "pwd", "cat", "echo", "sleep", "ls", "true", "false", "tty");

    private BusyboxImage() {}

    public static Path writeLayout(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] layer = gzip(layerTar());
        String layerDigest = put(dir, layer);
        String diffId = sha256(gunzipSource(layer));
        String config = """
                {"architecture":"amd64","os":"linux","created":"2026-11-27T00:00:00Z",
                 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","IMAGE_VAR=from-image"],
                           "Cmd":["sh"],"WorkingDir":"/srv"},
                 "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}
                """.formatted(diffId);
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
                """.formatted(manifestDigest, manifestBytes.length, NAME));
        return dir;
    }

    /** The image's one layer, uncompressed: a base for multi-layer test images. */
    public static byte[] layerTar() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String d : List.of("bin/", "etc/", "srv/", "tmp/", "home/", "home/app/")) {
                TarArchiveEntry e = new TarArchiveEntry(d);
                e.setMode(d.equals("tmp/") ? 01777 : 0755);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            file(tar, "bin/busybox", 0755, Files.readAllBytes(Path.of("/bin/busybox")));
            for (String applet : APPLETS) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
            file(tar, "etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
                    .getBytes(StandardCharsets.UTF_8));
            file(tar, "etc/group", 0644, "root:x:0:\napp:x:1000:\nstaff:x:50:app\n".getBytes(StandardCharsets.UTF_8));
            file(tar, "srv/hello.txt", 0644, "hello from the image\n".getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name, int mode, byte[] content) throws IOException {
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

    private static byte[] gunzipSource(byte[] gz) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
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
