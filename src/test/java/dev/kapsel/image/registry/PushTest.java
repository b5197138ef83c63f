package dev.kapsel.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kapsel push to a real registry, read back by skopeo and podman (tools kapsel did not write) with identical digests. */
class PushTest {
    @TempDir
    Path dir;

    @Test
    void skopeoAndPodmanPullWhatKapselPushed() throws Exception {
        try (TestRegistry r = TestRegistry.open(dir.resolve("registry"));
             RegistryFront front = new RegistryFront(r, dir.resolve("front"))) {
            ImageStore store = ImageStore.open(dir.resolve("images"));
            Image image = store.load(TestImages.layout(dir.resolve("L"), "v1", 3, 256 << 10, 9), "app:v1");
            Image tagged = store.tag("app:v1", front.host() + "/kapsel/app:v1");
            Pusher pusher = new Pusher(store, PullTest.options(dir), Progress.QUIET);
            assertEquals(image.manifestDigest(), pusher.push(tagged, Reference.parse(tagged.name())));
            assertEquals(4, front.seen().stream().filter(s -> s.method().equals("POST")).count(), "three layers and the config uploaded");

            String ref = "docker://" + r.host() + "/kapsel/app:v1";
            byte[] raw = TestRegistry.skopeo("inspect", "--raw", "--tls-verify=false", ref).getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(store.document(image.manifestDigest()), raw, "the registry serves kapsel's manifest byte for byte");
            Path copy = dir.resolve("copy");
            TestRegistry.skopeo("copy", "--preserve-digests", "--src-tls-verify=false", ref, "oci:" + copy + ":v1");
            assertTrue(Files.readString(copy.resolve("index.json")).contains(image.manifestDigest().toString()), "skopeo's copy has kapsel's digest");
            for (Descriptor layer : image.manifest().layers()) {
                assertArrayEquals(Files.readAllBytes(store.blobPath(layer.digest())),
                        Files.readAllBytes(copy.resolve("blobs/sha256").resolve(layer.digest().hex())), "layer " + layer.digest());
            }

            Path pod = dir.resolve("podman");
            Files.createDirectories(pod);
            Files.writeString(pod.resolve("containers.conf"), "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n");
            List<String> podman = List.of("env", "CONTAINERS_CONF=" + pod.resolve("containers.conf"), "podman", "--root", pod.resolve("root").toString(),
                    "--runroot", pod.resolve("run").toString(), "--storage-driver", "vfs");
            TestRegistry.run(concat(podman, "pull", "--quiet", "--tls-verify=false", r.host() + "/kapsel/app:v1"));
            String digest = TestRegistry.run(concat(podman, "images", "--format", "{{.Digest}}", r.host() + "/kapsel/app:v1")).strip();
            assertEquals(image.manifestDigest().toString(), digest, "podman's digest is kapsel's");

            // A second push finds every blob there and uploads none.
            front.clear();
            pusher.push(tagged, Reference.parse(tagged.name()));
            assertEquals(0, front.seen().stream().filter(s -> s.method().equals("POST")).count(), front.seen().toString());
            assertTrue(front.seen().stream().filter(s -> s.method().equals("HEAD")).count() == 4);

            // And kapsel pulls it back into another store with the same digest.
            ImageStore other = ImageStore.open(dir.resolve("other"));
            Image back = new Puller(other, PullTest.options(dir), Progress.QUIET).pull(Reference.parse(r.host() + "/kapsel/app:v1"), Platform.DEFAULT);
            assertEquals(image.manifestDigest(), back.manifestDigest());
            assertEquals(Digest.of(store.document(image.manifest().config().digest())), back.manifest().config().digest());
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
