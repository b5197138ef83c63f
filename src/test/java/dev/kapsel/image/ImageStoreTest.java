package dev.kapsel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.layer.TarBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    @TempDir
    Path tmp;
    ImageStore store;

    static final byte[] BASE = new TarBuilder().dir("etc", 0755).file("etc/hostname", "base").file("etc/gone", "x")
            .dir("app", 0755).file("app/old", "o").build();
    static final byte[] UPPER = new TarBuilder().file("etc/.wh.gone", "").file("app/.wh..wh..opq", "")
            .file("app/new", "n").file("hello", "hello world\n").build();

    @BeforeEach
    void setUp() throws Exception {
        store = ImageStore.open(tmp.resolve("state/images"));
    }

    private void assertUnpackedTwoLayerImage(Path root) throws Exception {
        assertEquals("base", Files.readString(root.resolve("etc/hostname")));
        assertFalse(Files.exists(root.resolve("etc/gone")), "whited out by the upper layer");
        assertFalse(Files.exists(root.resolve("app/old")), "hidden by the opaque directory");
        assertEquals("n", Files.readString(root.resolve("app/new")));
        assertEquals("hello world\n", Files.readString(root.resolve("hello")));
    }

    private Set<String> blobNames() throws Exception {
        try (Stream<Path> s = Files.list(store.root().resolve("blobs/sha256"))) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private void assertStoreEmptyAndNoLeftovers() throws Exception {
        assertEquals(List.of(), store.list());
        assertEquals(Set.of(), blobNames());
        for (String dir : List.of("tmp", "unpacked", "rootfs")) {
            try (Stream<Path> s = Files.list(store.root().resolve(dir))) {
                assertEquals(List.of(), s.toList(), dir + " is empty");
            }
        }
    }

    @Test
    void loadsOciLayoutAndReadsItsConfig() throws Exception {
        Path layout = ImageArchives.layout(tmp.resolve("L"), "demo:1", UnaryOperator.identity(), BASE, UPPER);
        Image image = store.load(layout, null);
        assertEquals("demo:1", image.name());
        assertEquals(List.of("/bin/sh"), image.config().entrypoint());
        assertEquals(List.of("-c", "echo hi"), image.config().cmd());
        assertEquals(List.of("PATH=/bin", "A=b"), image.config().env());
        assertEquals("/w", image.config().workingDir());
        assertEquals("1000:1000", image.config().user());
        assertEquals(Instant.parse("2024-01-02T03:04:05Z"), image.config().created());
        assertEquals(List.of(image), store.list());
        assertEquals(image, store.image("demo:1"));
        assertEquals(Set.of(image.manifestDigest().hex(), image.manifest().config().digest().hex(),
                Digest.of(BASE).hex(), Digest.of(UPPER).hex()), blobNames());
        for (String hex : blobNames()) {
            assertEquals(hex, Digest.of(store.root().resolve("blobs/sha256").resolve(hex)).hex(), "blob named by its content");
        }
        assertUnpackedTwoLayerImage(store.unpackedRoot("demo:1"));
    }

    @Test
    void loadsOciArchiveWithGzipLayersAndDockerArchiveToTheSameRoot() throws Exception {
        Path layout = ImageArchives.layout(tmp.resolve("L"), "gz", TarBuilder::gzip, BASE, UPPER);
        Path archive = ImageArchives.tarDirectory(layout, tmp.resolve("oci.tar"));
        Path docker = ImageArchives.dockerArchive(tmp.resolve("docker.tar"), "dock:latest", null, BASE, UPPER);
        Path zstd = ImageArchives.layout(tmp.resolve("Z"), "zst", TarBuilder::zstd, BASE, UPPER);
        assertEquals("gz", store.load(archive, null).name());
        Image d = store.load(docker, null);
        assertEquals("dock:latest", d.name());
        assertEquals(OciJson.MEDIA_LAYER_TAR, d.manifest().layers().getFirst().mediaType());
        assertEquals(List.of(Digest.of(BASE), Digest.of(UPPER)), d.manifest().layers().stream().map(Descriptor::digest).toList());
        store.load(zstd, null);
        for (String name : List.of("gz", "dock:latest", "zst")) {
            assertUnpackedTwoLayerImage(store.unpackedRoot(name));
        }
    }

    @Test
    void nameComesFromTheFlagWhenGivenAndIsRequired() throws Exception {
        Path unnamed = ImageArchives.layout(tmp.resolve("U"), null, UnaryOperator.identity(), BASE);
        ImageNameMissingException e = assertThrows(ImageNameMissingException.class, () -> store.load(unnamed, null));
        assertTrue(e.getMessage().contains("--name"), e.getMessage());
        assertStoreEmptyAndNoLeftovers();
        assertEquals("mine", store.load(unnamed, "mine").name());
        Path named = ImageArchives.layout(tmp.resolve("N"), "theirs", UnaryOperator.identity(), BASE);
        assertEquals("override", store.load(named, "override").name());
        assertThrows(InvalidImageNameException.class, () -> store.load(named, "../etc"));
        assertThrows(ImageNotFoundException.class, () -> store.image("theirs"));
    }

    @Test
    void digestMismatchNamesTheBlobAndLeavesNothing() throws Exception {
        Path layout = ImageArchives.layout(tmp.resolve("L"), "bad", UnaryOperator.identity(), BASE, UPPER);
        Path blob = layout.resolve("blobs/sha256").resolve(Digest.of(UPPER).hex());
        byte[] corrupt = Files.readAllBytes(blob);
        corrupt[600] ^= 1;
        Files.write(blob, corrupt);
        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> store.load(layout, null));
        assertEquals(Digest.of(UPPER), e.expected());
        assertEquals(Digest.of(corrupt), e.actual());
        assertTrue(e.getMessage().contains(Digest.of(UPPER).hex()), e.getMessage());
        assertStoreEmptyAndNoLeftovers();

        byte[] shorter = Arrays.copyOf(corrupt, corrupt.length - 1);
        Files.write(blob, shorter);
        DigestMismatchException size = assertThrows(DigestMismatchException.class, () -> store.load(layout, null));
        assertTrue(size.getMessage().contains("should be " + UPPER.length + " bytes"), size.getMessage());
        assertStoreEmptyAndNoLeftovers();
    }

    @Test
    void dockerArchiveLayerMustMatchDiffId() throws Exception {
        Path docker = ImageArchives.dockerArchive(tmp.resolve("d.tar"), "d:1", List.of(Digest.of(BASE), Digest.of(BASE)), BASE, UPPER);
        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> store.load(docker, null));
        assertTrue(e.blob().contains("layer1/layer.tar"), e.getMessage());
        assertStoreEmptyAndNoLeftovers();
    }

    @Test
    void truncatedArchiveIsMalformedAndLeavesNothing() throws Exception {
        Path layout = ImageArchives.layout(tmp.resolve("L"), "t", UnaryOperator.identity(), BASE, UPPER);
        Path archive = ImageArchives.tarDirectory(layout, tmp.resolve("oci.tar"));
        byte[] all = Files.readAllBytes(archive);
        Path cut = Files.write(tmp.resolve("cut.tar"), Arrays.copyOf(all, all.length / 2 + 100));
        MalformedImageException e = assertThrows(MalformedImageException.class, () -> store.load(cut, null));
        assertTrue(e.getMessage().contains("cut.tar"), e.getMessage());
        assertStoreEmptyAndNoLeftovers();
        Path garbage = Files.writeString(tmp.resolve("garbage.tar"), "not an archive at all");
        assertThrows(MalformedImageException.class, () -> store.load(garbage, null));
        assertStoreEmptyAndNoLeftovers();
    }

    @Test
    void unsafeLayerFailsUnpackingAndLeavesNoHalfRoot() throws Exception {
        byte[] evil = new TarBuilder().file("fine", "ok").symlink("out", "/").rawFile("out/tmp/kapsel-pwned", "x").build();
        store.load(ImageArchives.layout(tmp.resolve("E"), "evil", UnaryOperator.identity(), BASE, evil), null);
        UnsafeLayerEntryException e = assertThrows(UnsafeLayerEntryException.class, () -> store.unpackedRoot("evil"));
        assertEquals("out/tmp/kapsel-pwned", e.entry());
        assertEquals(Digest.of(evil).toString(), e.layer());
        assertFalse(Files.exists(Path.of("/tmp/kapsel-pwned")));
        try (Stream<Path> s = Files.list(store.root().resolve("unpacked"))) {
            assertEquals(0, s.count());
        }
        try (Stream<Path> s = Files.list(store.root().resolve("tmp"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void rmiFreesOnlyBlobsNoOtherImageUses() throws Exception {
        byte[] other = new TarBuilder().file("other", "o").build();
        Image a = store.load(ImageArchives.layout(tmp.resolve("A"), "a", UnaryOperator.identity(), BASE, UPPER), null);
        Image b = store.load(ImageArchives.layout(tmp.resolve("B"), "b", UnaryOperator.identity(), BASE, other), null);
        store.unpackedRoot("a");
        store.rootfsImage("a");
        store.unpackedRoot("b");
        ImageStore.Removal r = store.remove("a");
        assertEquals(3, r.blobsFreed(), "manifest, config and the unshared layer");
        Set<String> left = blobNames();
        assertTrue(left.contains(Digest.of(BASE).hex()), "the shared layer stays");
        assertFalse(left.contains(Digest.of(UPPER).hex()));
        assertFalse(left.contains(a.manifestDigest().hex()));
        assertFalse(Files.exists(store.root().resolve("unpacked").resolve(a.manifestDigest().hex())));
        assertFalse(Files.exists(store.root().resolve("rootfs").resolve(a.manifestDigest().hex() + ".ext4")));
        assertTrue(Files.isDirectory(store.root().resolve("unpacked").resolve(b.manifestDigest().hex())));
        assertThrows(ImageNotFoundException.class, () -> store.remove("a"));
        store.remove("b");
        assertStoreEmptyAndNoLeftovers();
    }

    @Test
    void loadingOverANameFreesWhatOnlyTheOldImageUsed() throws Exception {
        Image old = store.load(ImageArchives.layout(tmp.resolve("A"), "x", UnaryOperator.identity(), BASE, UPPER), null);
        byte[] other = new TarBuilder().file("other", "o").build();
        Image replacement = store.load(ImageArchives.layout(tmp.resolve("B"), "x", UnaryOperator.identity(), BASE, other), null);
        assertEquals(List.of(replacement), store.list());
        assertEquals(Set.of(replacement.manifestDigest().hex(), replacement.manifest().config().digest().hex(),
                Digest.of(BASE).hex(), Digest.of(other).hex()), blobNames());
        assertFalse(blobNames().contains(old.manifestDigest().hex()));
    }

    @Test
    void rootfsImageIsBuiltOnceAndHoldsTheRoot() throws Exception {
        store.load(ImageArchives.layout(tmp.resolve("L"), "fs", UnaryOperator.identity(), BASE, UPPER), null);
        Path image = store.rootfsImage("fs");
        Object key = Files.getAttribute(image, "unix:ino");
        Instant built = Files.getLastModifiedTime(image).toInstant();
        Thread.sleep(20);
        Path again = store.rootfsImage("fs");
        assertEquals(image, again);
        assertEquals(key, Files.getAttribute(again, "unix:ino"), "same file, not rebuilt");
        assertEquals(built, Files.getLastModifiedTime(again).toInstant());
        assertEquals("hello world\n", debugfs(image, "cat /hello"));
        String gone = debugfs(image, "stat /etc/gone");
        assertFalse(gone.contains("Inode:"), gone);
        assertFalse(Files.isWritable(image) && !"root".equals(System.getProperty("user.name")));
        assertEquals("r--r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(image)));
    }

    static String debugfs(Path image, String request) throws Exception {
        Process p = new ProcessBuilder("debugfs", "-R", request, image.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void concurrentLoadsAndRemovalsKeepTheStoreConsistent() throws Exception {
        int n = 6;
        List<Path> layouts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] own = new TarBuilder().file("id", "image " + i).build();
            layouts.add(ImageArchives.layout(tmp.resolve("C" + i), "img" + i, UnaryOperator.identity(), BASE, own));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                work.add(pool.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        store.load(layouts.get(id), null);
                        if (id % 2 == 0) {
                            store.remove("img" + id);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        List<String> names = store.list().stream().map(Image::name).toList();
        assertEquals(List.of("img1", "img3", "img5"), names);
        Set<String> expected = new HashSet<>();
        for (Image image : store.list()) {
            expected.add(image.manifestDigest().hex());
            expected.add(image.manifest().config().digest().hex());
            image.manifest().layers().forEach(l -> expected.add(l.digest().hex()));
            assertEquals("image " + image.name().substring(3), Files.readString(store.unpackedRoot(image.name()).resolve("id")));
        }
        assertEquals(expected, blobNames(), "exactly the live blobs");
        try (Stream<Path> s = Files.list(store.root().resolve("tmp"))) {
            assertEquals(0, s.count());
        }
        assertNotEquals(0, expected.size());
        assertTrue(Files.exists(store.root().resolve("names.json"), LinkOption.NOFOLLOW_LINKS));
    }
}
