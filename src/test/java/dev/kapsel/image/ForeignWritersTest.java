package dev.kapsel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images written by tools kapsel did not write: Debian's umoci builds an OCI layout holding a
 * busybox-static image ({@code latest}) and a three-layer image with whiteouts ({@code multi});
 * skopeo converts them to oci-archive and docker-archive. Needs umoci, skopeo and busybox-static
 * (bin/setup installs them); skipped without them.
 */
class ForeignWritersTest {
    static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    static Path work;
    static Path layout;
    static Path ociArchive;
    static Path dockerArchive;
    static Path multiDockerArchive;
    static Path multiOciArchive;

    @TempDir
    Path state;
    ImageStore store;

    static boolean have(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @BeforeAll
    static void buildImages() throws Exception {
        assumeTrue(have("umoci") && have("skopeo") && Files.isRegularFile(HOST_BUSYBOX),
                "needs umoci, skopeo and busybox-static (bin/setup installs them)");
        run(work, "umoci", "init", "--layout", "L");
        run(work, "umoci", "new", "--image", "L:latest");
        run(work, "umoci", "unpack", "--image", "L:latest", "B");
        Files.createDirectories(work.resolve("B/rootfs/bin"));
        Files.copy(HOST_BUSYBOX, work.resolve("B/rootfs/bin/busybox"));
        Files.createSymbolicLink(work.resolve("B/rootfs/bin/sh"), Path.of("busybox"));
        run(work, "umoci", "repack", "--image", "L:latest", "B");
        run(work, "umoci", "config", "--image", "L:latest", "--config.cmd", "/bin/sh", "--config.env", "FOO=bar");
        // Second image: layer 2 adds files, layer 3 deletes some (whiteouts).
        run(work, "umoci", "unpack", "--image", "L:latest", "B2");
        Files.createDirectories(work.resolve("B2/rootfs/etc/d"));
        Files.writeString(work.resolve("B2/rootfs/etc/motd"), "motd\n");
        Files.writeString(work.resolve("B2/rootfs/etc/gone"), "gone\n");
        Files.writeString(work.resolve("B2/rootfs/etc/d/x"), "x\n");
        run(work, "umoci", "repack", "--image", "L:multi", "B2");
        run(work, "umoci", "unpack", "--image", "L:multi", "B3");
        Files.delete(work.resolve("B3/rootfs/etc/gone"));
        Files.delete(work.resolve("B3/rootfs/etc/d/x"));
        Files.delete(work.resolve("B3/rootfs/etc/d"));
        run(work, "umoci", "repack", "--image", "L:multi", "B3");
        layout = work.resolve("L");
        run(work, "skopeo", "copy", "oci:L:latest", "oci-archive:x.tar:latest");
        run(work, "skopeo", "copy", "oci:L:latest", "docker-archive:y.tar:busybox:latest");
        run(work, "skopeo", "copy", "oci:L:multi", "docker-archive:z.tar:multi:latest");
        run(work, "skopeo", "copy", "oci:L:multi", "oci-archive:w.tar:multi");
        ociArchive = work.resolve("x.tar");
        dockerArchive = work.resolve("y.tar");
        multiDockerArchive = work.resolve("z.tar");
        multiOciArchive = work.resolve("w.tar");
    }

    @BeforeEach
    void openStore() throws Exception {
        store = ImageStore.open(state.resolve("images"));
    }

    private void assertBusybox(Path root) throws Exception {
        assertArrayEquals(Files.readAllBytes(HOST_BUSYBOX), Files.readAllBytes(root.resolve("bin/busybox")));
        assertEquals(0755, (int) Files.getAttribute(root.resolve("bin/busybox"), "unix:mode") & 07777);
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(root.resolve("bin/sh")));
    }

    @Test
    void busyboxInEachFormatUnpacksToTheHostsBusybox() throws Exception {
        Image fromLayout = store.load(layout, "latest");
        Image fromOciArchive = store.load(ociArchive, null);
        Image fromDocker = store.load(dockerArchive, null);
        assertEquals("latest", fromOciArchive.name(), "skopeo writes the tag as ref.name");
        assertEquals("busybox:latest", fromDocker.name(), "from RepoTags");
        assertEquals(fromLayout.manifestDigest(), fromOciArchive.manifestDigest(), "oci-archive keeps the manifest");
        for (Image image : List.of(fromLayout, fromDocker)) {
            assertEquals(List.of("/bin/sh"), image.config().cmd());
            assertTrue(image.config().env().contains("FOO=bar"), image.config().env().toString());
            assertBusybox(store.unpackedRoot(image.name()));
        }
    }

    @Test
    void layoutWithTwoImagesNeedsAChoice() {
        MalformedImageException e = assertThrows(MalformedImageException.class, () -> store.load(layout, null));
        assertTrue(e.getMessage().contains("holds 2 images") && e.getMessage().contains("--name"), e.getMessage());
    }

    @Test
    void whiteoutLayerDeletesFilesInEveryFormat() throws Exception {
        store.load(layout, "multi");
        store.load(multiDockerArchive, null);
        store.load(multiOciArchive, "multi-oci");
        for (String name : List.of("multi", "multi:latest", "multi-oci")) {
            Image image = store.image(name);
            assertEquals(3, image.manifest().layers().size(), name);
            Path root = store.unpackedRoot(name);
            assertEquals("motd\n", Files.readString(root.resolve("etc/motd")), name);
            assertFalse(Files.exists(root.resolve("etc/gone"), LinkOption.NOFOLLOW_LINKS), name + ": whited out");
            assertFalse(Files.exists(root.resolve("etc/d"), LinkOption.NOFOLLOW_LINKS), name + ": directory whited out");
            assertBusybox(root);
        }
    }

    @Test
    void ext4ImageHoldsBusyboxAndIsReused() throws Exception {
        store.load(dockerArchive, null);
        Path image = store.rootfsImage("busybox:latest");
        Object inode = Files.getAttribute(image, "unix:ino");
        Process p = new ProcessBuilder("debugfs", "-R", "cat /bin/busybox", image.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] inImage = p.getInputStream().readAllBytes();
        p.waitFor();
        assertArrayEquals(Files.readAllBytes(HOST_BUSYBOX), inImage);
        assertEquals(inode, Files.getAttribute(store.rootfsImage("busybox:latest"), "unix:ino"), "not rebuilt");
    }
}
