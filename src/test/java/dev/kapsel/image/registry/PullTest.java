package dev.kapsel.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.DigestMismatchException;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageNotFoundException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.net.ProxySelector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kapsel pull against a real distribution registry, with images written there by skopeo (a tool
 * kapsel did not write), some requests through a {@link RegistryFront} that cuts, corrupts,
 * redirects or fails them.
 */
class PullTest {
    static final int LAYER = 1 << 20;

    @TempDir
    static Path work;
    static TestRegistry registry;
    static RegistryFront front;
    static Path simple;
    static Path multi;
    static Digest simpleDigest;
    static String multiIndex;

    @TempDir
    Path state;
    ImageStore store;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.open(work.resolve("registry"));
        front = new RegistryFront(registry, work.resolve("front"));
        simple = TestImages.layout(work.resolve("simple"), "v1", 3, LAYER, 1);
        TestRegistry.skopeo("copy", "--dest-tls-verify=false", "oci:" + simple + ":v1", "docker://" + registry.host() + "/test/simple:v1");
        multi = TestImages.multiPlatform(work.resolve("multi"), "all");
        TestRegistry.skopeo("copy", "--all", "--dest-tls-verify=false", "oci:" + multi + ":all", "docker://" + registry.host() + "/test/multi:all");
        multiIndex = TestRegistry.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/test/multi:all");
        simpleDigest = Digest.of(TestRegistry.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/test/simple:v1")
                .getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (front != null) {
            front.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void openStore() throws IOException {
        store = ImageStore.open(state.resolve("images"));
        front.clear();
    }

    @AfterEach
    void clearFront() {
        front.clear();
    }

    static RegistryOptions options(Path dir) {
        return new RegistryOptions(true, Set.of(), new AuthFiles(dir.resolve("auth.json"), dir.resolve("docker.json")), ProxySelector.of(null));
    }

    Image pull(String ref) throws Exception {
        return pull(ref, Platform.DEFAULT);
    }

    Image pull(String ref, Platform platform) throws Exception {
        return new Puller(store, options(state), Progress.QUIET).pull(Reference.parse(ref), platform);
    }

    private Set<String> storedBlobs() throws IOException {
        try (Stream<Path> s = Files.list(store.root().resolve("blobs/sha256"))) {
            return Set.copyOf(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void pullsWhatSkopeoPushedWithTheSameDigestAndItUnpacks() throws Exception {
        Image image = pull(registry.host() + "/test/simple:v1");
        assertEquals(registry.host() + "/test/simple:v1", image.name());
        assertEquals(simpleDigest, image.manifestDigest(), "kapsel's digest is skopeo's");
        assertEquals(3, image.manifest().layers().size());
        for (Descriptor layer : image.manifest().layers()) {
            assertEquals(layer.digest(), Digest.of(store.blobPath(layer.digest())), "stored blob hashes to its name");
        }
        Path root = store.unpackedRoot(image.name());
        assertEquals("hello from l2\n", Files.readString(root.resolve("l2/hello")));
        assertEquals(LAYER, Files.size(root.resolve("l0/data")));
        assertEquals(image.manifestDigest(), store.image(registry.host() + "/test/simple:v1").manifestDigest());
    }

    @Test
    void anInsecureLoopbackRegistryLeavesOtherClientsVerifying() throws Exception {
        // The front serves https with a self-signed certificate for "kapsel-test-front", not 127.0.0.1: the pull
        // only works if the insecure client skips both the chain and the name check, and it must do so without the
        // JDK's process-wide switch, which would turn hostname checks off for every other client in the JVM.
        pull(front.host() + "/test/simple:v1");
        assertTrue(front.seen().stream().anyMatch(s -> s.path().contains("/manifests/")), "pulled through the https front");
        assertNull(System.getProperty("jdk.internal.httpclient.disableHostnameVerification"));
    }

    @Test
    void pullsByDigestAndReusesBlobsTheStoreHas() throws Exception {
        pull(front.host() + "/test/simple:v1");
        long blobGets = front.seen().stream().filter(s -> s.path().contains("/blobs/")).count();
        assertEquals(4, blobGets, "three layers and the config: " + front.seen());
        front.clear();
        Image again = pull(front.host() + "/test/simple@" + simpleDigest);
        assertEquals(front.host() + "/test/simple@" + simpleDigest, again.name());
        assertEquals(simpleDigest, again.manifestDigest());
        assertEquals(List.of(), front.seen().stream().filter(s -> s.path().contains("/blobs/")).toList(),
                "no blob is fetched twice");
    }

    @Test
    void anIndexResolvesToThePlatform() throws Exception {
        Image amd = pull(registry.host() + "/test/multi:all");
        assertEquals(TestImages.platformManifest(multiIndex, "amd64"), amd.manifestDigest());
        assertEquals(2, amd.manifest().layers().size());
        Image arm = pull(registry.host() + "/test/multi:all", Platform.parse("linux/arm64"));
        assertEquals(TestImages.platformManifest(multiIndex, "arm64"), arm.manifestDigest());
        RegistryProtocolException none = assertThrows(RegistryProtocolException.class,
                () -> pull(registry.host() + "/test/multi:all", Platform.parse("linux/s390x")));
        assertTrue(none.getMessage().contains("no image for linux/s390x") && none.getMessage().contains("linux/arm64/v8, linux/amd64"),
                none.getMessage());
    }

    @Test
    void aBrokenConnectionResumesWithARangeRequest() throws Exception {
        Digest layer0 = store.image(pullAndForget()).manifest().layers().get(0).digest();
        openFreshStore();
        boolean[] cut = {false};
        front.tamper = (req, answer) -> {
            if (req.path().endsWith(layer0.toString()) && !cut[0]) {
                cut[0] = true;
                answer.cutAfter = LAYER / 2;
            }
        };
        Image image = pull(front.host() + "/test/simple:v1");
        assertEquals(simpleDigest, image.manifestDigest());
        List<RegistryFront.Seen> layerGets = front.seen().stream().filter(s -> s.path().endsWith(layer0.toString())).toList();
        assertEquals(2, layerGets.size(), layerGets.toString());
        // What was in flight when the connection broke is lost: the second request starts where the file ends, at most at the cut.
        long resumedAt = Long.parseLong(layerGets.get(1).range().replaceAll("bytes=(\\d+)-", "$1"));
        assertTrue(resumedAt > 0 && resumedAt <= LAYER / 2, layerGets.toString());
        assertEquals(layer0, Digest.of(store.blobPath(layer0)));
    }

    @Test
    void aPullKilledHalfWayStoresNothingAndTheNextOneResumes() throws Exception {
        Digest layer0 = store.image(pullAndForget()).manifest().layers().get(0).digest();
        openFreshStore();
        // Every request for the layer breaks a quarter of a layer further on: the pull gives up after its attempts.
        front.tamper = (req, answer) -> {
            if (req.path().endsWith(layer0.toString())) {
                answer.cutAfter = LAYER / 8;
            }
        };
        RegistryProtocolException broken = assertThrows(RegistryProtocolException.class, () -> pull(front.host() + "/test/simple:v1"));
        assertTrue(broken.getMessage().contains("connection broke") && broken.getMessage().contains(front.host())
                && broken.getMessage().contains("test/simple:v1"), broken.getMessage());
        assertThrows(ImageNotFoundException.class, () -> store.image(front.host() + "/test/simple:v1"));
        assertEquals(Set.of(), storedBlobs(), "nothing stored");
        long partial = Files.size(store.downloadPath(layer0));
        List<String> ranges = front.seen().stream().filter(s -> s.path().endsWith(layer0.toString())).map(RegistryFront.Seen::range).toList();
        assertEquals(BlobDownload.ATTEMPTS, ranges.size(), ranges.toString());
        assertEquals(null, ranges.get(0));
        long second = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
        long third = Long.parseLong(ranges.get(2).replaceAll("bytes=(\\d+)-", "$1"));
        assertTrue(0 < second && second < third && third < partial && partial <= BlobDownload.ATTEMPTS * (LAYER / 8),
                "each attempt continued where the last broke: " + ranges + ", then " + partial + " bytes");
        front.clear();
        Image image = pull(front.host() + "/test/simple:v1");
        assertEquals(simpleDigest, image.manifestDigest());
        List<RegistryFront.Seen> layerGets = front.seen().stream().filter(s -> s.path().endsWith(layer0.toString())).toList();
        assertEquals(List.of("bytes=" + partial + "-"), layerGets.stream().map(RegistryFront.Seen::range).toList());
        assertEquals(layer0, Digest.of(store.blobPath(layer0)));
        assertFalse(Files.exists(store.downloadPath(layer0)), "the download moved into the store");
        assertEquals("hello from l0\n", Files.readString(store.unpackedRoot(image.name()).resolve("l0/hello")));
    }

    @Test
    void aCorruptBlobIsRefusedAndNothingIsStored() throws Exception {
        Digest layer1 = store.image(pullAndForget()).manifest().layers().get(1).digest();
        openFreshStore();
        front.tamper = (req, answer) -> {
            if (req.path().endsWith(layer1.toString())) {
                answer.body[answer.body.length / 2] ^= 1;
            }
        };
        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> pull(front.host() + "/test/simple:v1"));
        assertTrue(e.getMessage().contains("layer " + layer1) && e.getMessage().contains(front.host()), e.getMessage());
        assertEquals(layer1, e.expected());
        assertEquals(Set.of(), storedBlobs());
        assertFalse(Files.exists(store.downloadPath(layer1)), "the corrupt download is deleted");
        assertThrows(ImageNotFoundException.class, () -> store.image(front.host() + "/test/simple:v1"));
    }

    @Test
    void aManifestThatIsNotTheDigestAskedForIsRefused() throws Exception {
        front.tamper = (req, answer) -> {
            if (req.path().contains("/manifests/")) {
                // Still the same JSON document, but not the same bytes.
                answer.body = (new String(answer.body, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
            }
        };
        DigestMismatchException byDigest = assertThrows(DigestMismatchException.class, () -> pull(front.host() + "/test/simple@" + simpleDigest));
        assertEquals(simpleDigest, byDigest.expected());
        // By tag, the registry's Docker-Content-Digest is what the bytes must hash to.
        DigestMismatchException byTag = assertThrows(DigestMismatchException.class, () -> pull(front.host() + "/test/simple:v1"));
        assertTrue(byTag.getMessage().contains("Docker-Content-Digest"), byTag.getMessage());
        assertEquals(Set.of(), storedBlobs());
    }

    @Test
    void blobRedirectsAreFollowedAndBounded() throws Exception {
        front.tamper = (req, answer) -> {
            if (req.path().contains("/blobs/")) {
                answer.status = 307;
                answer.body = new byte[0];
                answer.headers.clear();
                answer.headers.put("Location", List.of(front.upstream() + req.path()));
            }
        };
        Image image = pull(front.host() + "/test/simple:v1");
        assertEquals(simpleDigest, image.manifestDigest());
        assertTrue(front.seen().stream().filter(s -> s.path().contains("/blobs/")).count() == 4);
        openFreshStore();
        front.tamper = (req, answer) -> {
            if (req.path().contains("/blobs/")) {
                answer.status = 302;
                answer.body = new byte[0];
                answer.headers.clear();
                answer.headers.put("Location", List.of(req.path()));
            }
        };
        RegistryProtocolException loop = assertThrows(RegistryProtocolException.class, () -> pull(front.host() + "/test/simple:v1"));
        assertTrue(loop.getMessage().contains("more than 5 redirects") && loop.getMessage().contains(front.host()), loop.getMessage());
    }

    @Test
    void errorsNameTheRegistryTheReferenceAndTheStatus() throws Exception {
        RegistryHttpException missing = assertThrows(RegistryHttpException.class, () -> pull(registry.host() + "/test/simple:nope"));
        assertEquals(404, missing.status());
        assertEquals(registry.host() + ": fetch of manifest nope of " + registry.host() + "/test/simple:nope failed: HTTP 404"
                + " (MANIFEST_UNKNOWN: manifest unknown)", missing.getMessage());
        front.tamper = (req, answer) -> {
            if (req.path().contains("/blobs/")) {
                answer.status = 500;
                answer.body = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}".getBytes(StandardCharsets.UTF_8);
            }
        };
        RegistryHttpException broken = assertThrows(RegistryHttpException.class, () -> pull(front.host() + "/test/simple:v1"));
        assertEquals(500, broken.status());
        assertTrue(broken.getMessage().startsWith(front.host() + ": download of ") && broken.getMessage().contains(" of " + front.host()
                + "/test/simple:v1 failed: HTTP 500 (UNKNOWN: disk on fire)"), broken.getMessage());
        assertEquals(Set.of(), storedBlobs());
        int closed = TestRegistry.freePort();
        RegistryProtocolException unreachable = assertThrows(RegistryProtocolException.class, () -> pull("127.0.0.1:" + closed + "/x:1"));
        assertTrue(unreachable.getMessage().startsWith("127.0.0.1:" + closed + ": 127.0.0.1:" + closed + "/x:1: cannot reach"), unreachable.getMessage());
    }

    @Test
    void aNonLoopbackRegistryNeedsTlsUnlessConfiguredInsecure() throws Exception {
        RegistryOptions strict = options(state);
        assertFalse(strict.insecure("registry.example:5000"));
        assertTrue(strict.insecure("127.0.0.1:5000"));
        assertTrue(strict.insecure("localhost"));
        RegistryOptions flagged = new RegistryOptions(false, Set.of(), strict.auth(), strict.proxy());
        assertTrue(flagged.insecure("registry.example:5000"));
        Files.writeString(state.resolve("registries.json"), "{\"insecure\": [\"registry.lan:5000\", \"other.lan\"]}");
        Set<String> configured = RegistryOptions.insecureRegistries(state.resolve("registries.json"));
        RegistryOptions fromFile = new RegistryOptions(true, configured, strict.auth(), strict.proxy());
        assertTrue(fromFile.insecure("registry.lan:5000"));
        assertTrue(fromFile.insecure("other.lan:443"));
        assertFalse(fromFile.insecure("registry.lan:6000"));
    }

    /** Pulls simple:v1 into a scratch store and returns its name there, to learn its layer digests. */
    private String pullAndForget() throws Exception {
        pull(registry.host() + "/test/simple:v1");
        return registry.host() + "/test/simple:v1";
    }

    private void openFreshStore() throws IOException {
        store = ImageStore.open(state.resolve("images-" + System.nanoTime()));
    }
}
