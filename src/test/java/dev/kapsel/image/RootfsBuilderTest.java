package dev.kapsel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsBuilderTest {
    @TempDir
    Path dir;

    /** What debugfs says the image holds at {@code path}. */
    private static String cat(Path image, String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/sbin/debugfs", "-R", "cat " + path, image.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void hostFilesReplaceTheImagesOwnAndMissingDirectoriesAreMade() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/debugfs")) && Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4")), "e2fsprogs");
        Path root = Files.createDirectories(dir.resolve("root/etc"));
        Files.writeString(root.resolve("hosts"), "image's own\n");
        Files.createSymbolicLink(root.resolve("resolv.conf"), Path.of("/run/systemd/resolve/stub-resolv.conf"));
        Path image = dir.resolve("root.ext4");
        RootfsBuilder.build(dir.resolve("root"), image, "test root");

        Map<String, Path> files = new LinkedHashMap<>();
        files.put("/etc/hosts", Files.writeString(dir.resolve("hosts"), "10.0.0.1 engine's\n"));
        files.put("/etc/resolv.conf", Files.writeString(dir.resolve("resolv"), "nameserver 10.0.0.53\n"));
        files.put("/run/.containerenv", Files.writeString(dir.resolve("containerenv"), "engine=\"podman\"\n"));
        RootfsBuilder.addFiles(image, files);

        assertEquals("10.0.0.1 engine's\n", cat(image, "/etc/hosts"));
        assertEquals("nameserver 10.0.0.53\n", cat(image, "/etc/resolv.conf"), "the symbolic link is replaced, not followed");
        assertEquals("engine=\"podman\"\n", cat(image, "/run/.containerenv"));
        Process fsck = new ProcessBuilder("/usr/sbin/e2fsck", "-fn", image.toString()).redirectErrorStream(true).start();
        String report = new String(fsck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, fsck.waitFor(), report);
    }

    @Test
    void onlyPlainAbsolutePathsAreWritten() {
        for (String bad : List.of("etc/hosts", "/etc/../hosts", "/etc/ho sts", "/etc/", "/", "/a//b", "/a/'b")) {
            assertFalse(RootfsBuilder.isPlainPath(bad), bad);
        }
        assertTrue(RootfsBuilder.isPlainPath("/run/.containerenv"));
        assertThrows(IllegalArgumentException.class,
                () -> RootfsBuilder.addFiles(dir.resolve("x.ext4"), Map.of("/etc/../passwd", dir.resolve("f"))));
    }
}
