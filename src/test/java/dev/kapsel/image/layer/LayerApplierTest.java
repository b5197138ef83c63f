package dev.kapsel.image.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.UnsafeLayerEntryException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerApplierTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "original");
    }

    private LayerApplier.Result apply(byte[] tar, String layer) throws Exception {
        try (InputStream in = LayerCompression.decompress(new ByteArrayInputStream(tar), layer)) {
            return new LayerApplier(root).apply(in, layer);
        }
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p);
    }

    @Test
    void createsFilesDirectoriesLinksWithModeOwnerAndXattrs() throws Exception {
        byte[] layer = new TarBuilder()
                .dir("bin", 0755)
                .file("bin/tool", "#!tool".getBytes(StandardCharsets.UTF_8), 04755, 1234, 5678,
                        Map.of("LIBARCHIVE.xattr.user.b64", Base64.getEncoder().encodeToString(new byte[] {0, 1, (byte) 0xff}),
                                "SCHILY.xattr.user.text", "hello"))
                .symlink("bin/alias", "tool")
                .symlink("etc-abs", "/etc")
                .hardlink("bin/tool2", "bin/tool")
                .fifo("run.fifo")
                .file("deep/er/file", "made parents")
                .build();
        LayerApplier.Result result = apply(layer, "L1");
        assertEquals(7, result.entries());

        Path tool = root.resolve("bin/tool");
        assertEquals("#!tool", read(tool));
        assertEquals(04755, (int) Files.getAttribute(tool, "unix:mode") & 07777, "setuid survives the chown");
        assertEquals(1234, Files.getAttribute(tool, "unix:uid"));
        assertEquals(5678, Files.getAttribute(tool, "unix:gid"));
        assertEquals(Path.of("tool"), Files.readSymbolicLink(root.resolve("bin/alias")));
        assertEquals(Path.of("/etc"), Files.readSymbolicLink(root.resolve("etc-abs")));
        assertEquals(Files.getAttribute(tool, "unix:ino"), Files.getAttribute(root.resolve("bin/tool2"), "unix:ino"));
        assertEquals(2, Files.getAttribute(tool, "unix:nlink"));
        assertTrue(Files.isRegularFile(root.resolve("deep/er/file")));
        assertEquals(0010640, (int) Files.getAttribute(root.resolve("run.fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS), "a FIFO, rw-r-----");

        UserDefinedFileAttributeView x = Files.getFileAttributeView(tool, UserDefinedFileAttributeView.class);
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, xattr(x, "b64"));
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), xattr(x, "text"));
    }

    private static byte[] xattr(UserDefinedFileAttributeView view, String name) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(view.size(name));
        view.read(name, b);
        return b.array();
    }

    @Test
    void binaryXattrsFromGnuTarSurviveInPaxAndGnuFormats() throws Exception {
        for (String format : List.of("posix", "gnu")) {
            Path src = Files.createDirectories(tmp.resolve("src-" + format));
            String longName = "d".repeat(120) + "/" + "n".repeat(120);
            Files.createDirectories(src.resolve(longName).getParent());
            Files.writeString(src.resolve(longName), "long");
            Path f = Files.writeString(src.resolve("f"), "hi");
            Path g = Files.writeString(src.resolve("g"), "no xattr");
            byte[] binary = {(byte) 0xff, 0, (byte) 0xfe, (byte) 0x80, 1, 0x41, '\n', '='};
            Files.getFileAttributeView(f, UserDefinedFileAttributeView.class).write("bin", java.nio.ByteBuffer.wrap(binary));
            Files.getFileAttributeView(src.resolve(longName), UserDefinedFileAttributeView.class)
                    .write("long", java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xc3}));
            Path tar = tmp.resolve(format + ".tar");
            Process p = new ProcessBuilder("tar", "--format=" + format, "--xattrs", "--xattrs-include=*", "-C", src.toString(),
                    "-cf", tar.toString(), "d" + "d".repeat(119), "f", "g").inheritIO().start();
            assertEquals(0, p.waitFor());
            Path r = Files.createDirectory(tmp.resolve("root-" + format));
            try (InputStream in = Files.newInputStream(tar)) {
                new LayerApplier(r).apply(in, format);
            }
            assertArrayEquals(binary, xattr(Files.getFileAttributeView(r.resolve("f"), UserDefinedFileAttributeView.class), "bin"));
            assertArrayEquals(new byte[] {(byte) 0xc3},
                    xattr(Files.getFileAttributeView(r.resolve(longName), UserDefinedFileAttributeView.class), "long"));
            assertEquals(List.of(), Files.getFileAttributeView(r.resolve("g"), UserDefinedFileAttributeView.class).list(), format);
        }
    }

    @Test
    void laterLayersReplaceAndWhiteoutsDelete() throws Exception {
        apply(new TarBuilder().dir("etc", 0755).file("etc/keep", "k").file("etc/gone", "g")
                .dir("var/cache", 0755).file("var/cache/a", "a").file("var/cache/b", "b")
                .file("replaced", "old").build(), "lower");
        apply(new TarBuilder().file("etc/.wh.gone", "").file("var/.wh.cache", "")
                .symlink("replaced", "etc/keep").file("etc/.wh.never-existed", "").build(), "upper");
        assertTrue(Files.exists(root.resolve("etc/keep")));
        assertFalse(Files.exists(root.resolve("etc/gone"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("etc/.wh.gone"), LinkOption.NOFOLLOW_LINKS), "whiteouts are not files");
        assertFalse(Files.exists(root.resolve("var/cache"), LinkOption.NOFOLLOW_LINKS), "a whiteout removes a whole tree");
        assertTrue(Files.isDirectory(root.resolve("var")));
        assertTrue(Files.isSymbolicLink(root.resolve("replaced")));
    }

    @Test
    void opaqueDirectoryHidesLowerContentButKeepsItsOwnLayer() throws Exception {
        apply(new TarBuilder().dir("data", 0755).file("data/lower1", "1").dir("data/sub", 0755).file("data/sub/x", "x")
                .file("other", "o").build(), "lower");
        apply(new TarBuilder().dir("data", 0700).file("data/new-before", "n").file("data/.wh..wh..opq", "")
                .file("data/new-after", "m").build(), "upper");
        try (Stream<Path> s = Files.list(root.resolve("data"))) {
            assertEquals(List.of("new-after", "new-before"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.exists(root.resolve("other")), "opacity is limited to its directory");
        assertEquals(0700, (int) Files.getAttribute(root.resolve("data"), "unix:mode") & 07777);
    }

    @Test
    void fileReplacesDirectoryAndDirectoryReplacesFile() throws Exception {
        apply(new TarBuilder().dir("a", 0755).file("a/inner", "i").file("b", "file").build(), "lower");
        apply(new TarBuilder().file("a", "now a file").dir("b", 0755).build(), "upper");
        assertEquals("now a file", read(root.resolve("a")));
        assertTrue(Files.isDirectory(root.resolve("b")));
    }

    private void assertRejected(byte[] layer, String entry) throws Exception {
        UnsafeLayerEntryException e = assertThrows(UnsafeLayerEntryException.class, () -> apply(layer, "sha256:evil"));
        assertEquals("sha256:evil", e.layer());
        assertEquals(entry, e.entry());
        assertTrue(e.getMessage().contains("sha256:evil") && e.getMessage().contains(entry), e.getMessage());
        assertEquals("original", read(outside.resolve("victim")));
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(1, s.count(), "nothing written next to the root");
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("outside", "root"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void rejectsDotDot() throws Exception {
        assertRejected(new TarBuilder().rawFile("../outside/victim", "pwned").build(), "../outside/victim");
        assertRejected(new TarBuilder().rawFile("a/../../outside/victim", "pwned").build(), "a/../../outside/victim");
    }

    @Test
    void rejectsAbsolutePath() throws Exception {
        String abs = outside.resolve("victim").toString();
        assertRejected(new TarBuilder().rawFile(abs, "pwned").build(), abs);
    }

    @Test
    void rejectsEntryThroughSymlinkToRoot() throws Exception {
        String through = "slash" + outside.resolve("victim");
        assertRejected(new TarBuilder().symlink("slash", "/").rawFile(through, "pwned").build(), through);
        assertTrue(Files.isSymbolicLink(root.resolve("slash")), "the symlink itself is fine; going through it is not");
    }

    @Test
    void rejectsEntryThroughRelativeSymlinkClimbingOut() throws Exception {
        assertRejected(new TarBuilder().symlink("up", "../outside").rawFile("up/victim", "pwned").build(), "up/victim");
    }

    @Test
    void rejectsSymlinkChainLeadingOut() throws Exception {
        assertRejected(new TarBuilder().dir("d", 0755).symlink("a", "b").symlink("b", "d/c").symlink("d/c", "../../outside")
                .rawFile("a/victim", "pwned").build(), "a/victim");
        // And the chain split over layers.
        Files.walk(root).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
        apply(new TarBuilder().symlink("x", "y").build(), "lower");
        assertRejected(new TarBuilder().symlink("y", "/tmp").rawFile("x/victim", "pwned").build(), "x/victim");
    }

    @Test
    void rejectsSymlinkLoop() throws Exception {
        UnsafeLayerEntryException e = assertThrows(UnsafeLayerEntryException.class, () -> apply(
                new TarBuilder().symlink("a", "b").symlink("b", "a").rawFile("a/f", "x").build(), "loop"));
        assertTrue(e.getMessage().contains("too many levels of symlinks"), e.getMessage());
    }

    @Test
    void followsSymlinksThatStayInside() throws Exception {
        apply(new TarBuilder().dir("usr/bin", 0755).symlink("bin", "usr/bin").symlink("b2", "./bin")
                .rawFile("b2/tool", "inside").build(), "merged-usr");
        assertEquals("inside", read(root.resolve("usr/bin/tool")));
        assertTrue(Files.isSymbolicLink(root.resolve("bin")));
    }

    @Test
    void rejectsHardlinkToOutside() throws Exception {
        assertRejected(new TarBuilder().rawHardlink("h", "../outside/victim").build(), "h");
        assertRejected(new TarBuilder().rawHardlink("h", outside.resolve("victim").toString()).build(), "h");
    }

    @Test
    void rejectsHardlinkThroughSymlinkToOutside() throws Exception {
        assertRejected(new TarBuilder().symlink("o", outside.toString()).rawHardlink("h", "o/victim").build(), "h");
    }

    @Test
    void rejectsWritingThroughASymlinkedFinalComponentByReplacingIt() throws Exception {
        // A final component that is a symlink is replaced, never written through.
        apply(new TarBuilder().symlink("f", outside.resolve("victim").toString()).file("f", "in the image").build(), "L");
        assertEquals("in the image", read(root.resolve("f")));
        assertFalse(Files.isSymbolicLink(root.resolve("f")));
        assertEquals("original", read(outside.resolve("victim")));
    }

    @Test
    void truncatedLayerIsMalformed() throws Exception {
        byte[] content = new byte[20000];
        Arrays.fill(content, (byte) 'x');
        byte[] full = new TarBuilder().file("big", content, 0644, 0, 0, Map.of()).build();
        byte[] cut = Arrays.copyOf(full, 512 + 7000);
        MalformedImageException e = assertThrows(MalformedImageException.class, () -> apply(cut, "sha256:cut"));
        assertTrue(e.getMessage().contains("sha256:cut") && e.getMessage().contains("truncated"), e.getMessage());

        byte[] gz = TarBuilder.gzip(full);
        byte[] gzCut = Arrays.copyOf(gz, gz.length / 2);
        assertThrows(MalformedImageException.class, () -> apply(gzCut, "sha256:gzcut"));

        byte[] zst = TarBuilder.zstd(full);
        byte[] zstCut = Arrays.copyOf(zst, zst.length - 3);
        MalformedImageException z = assertThrows(MalformedImageException.class, () -> apply(zstCut, "sha256:zstcut"));
        assertTrue(z.getMessage().contains("sha256:zstcut"), z.getMessage());
    }

    @Test
    void readsGzipAndZstdLayers() throws Exception {
        byte[] tar = new TarBuilder().file("plain", "p").build();
        apply(TarBuilder.gzip(new TarBuilder().file("gz", "g").build()), "gz");
        apply(TarBuilder.zstd(new TarBuilder().file("zst", "z").build()), "zst");
        apply(tar, "plain");
        assertEquals("g", read(root.resolve("gz")));
        assertEquals("z", read(root.resolve("zst")));
        assertEquals("p", read(root.resolve("plain")));
        assertEquals(LayerCompression.ZSTD, LayerCompression.detect(new java.io.BufferedInputStream(
                new ByteArrayInputStream(TarBuilder.zstd(tar)))));
    }

    @Test
    void setsModificationTimeOfFilesAndSymlinks() throws Exception {
        Instant t = Instant.parse("2001-02-03T04:05:06Z");
        apply(new TarBuilder().mtime(t).file("f", "x").symlink("l", "f").build(), "L");
        assertEquals(t, Files.getLastModifiedTime(root.resolve("f")).toInstant());
        assertEquals(t, Files.getLastModifiedTime(root.resolve("l"), LinkOption.NOFOLLOW_LINKS).toInstant());
    }
}
