package dev.kapsel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        return OciLayout.write(dir, NAME, layerTar(), """
                {"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","IMAGE_VAR=from-image"],
                 "Cmd":["sh"],"WorkingDir":"/srv"}""");
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
        OciLayout.file(tar, name, mode, content);
    }
}
