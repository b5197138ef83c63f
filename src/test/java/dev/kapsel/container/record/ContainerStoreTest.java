package dev.kapsel.container.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.ProcessIdentity;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one record store and its one record, for OCI and kapsel containers alike: claiming ids, locked
 * updates, listing, removal, strict records, and the status rules both kinds share.
 */
class ContainerStoreTest {
    static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path root;

    static ContainerRecord bundle(String id) {
        return ContainerRecord.ofBundle(id, "/b", "/b/rootfs", Map.of("k", "v"), "sandbox", T0);
    }

    static ContainerRecord image(String id) {
        return ContainerRecord.ofImage(id, "web", "busybox:latest", List.of("sh", "-c", "echo hi"), "vm", T0, true);
    }

    @Test
    void anIdIsClaimedOnceAndItsRecordReadBack() {
        ContainerStore s = new ContainerStore(root);
        assertTrue(s.create(bundle("a")));
        assertFalse(s.create(bundle("a").withStatus(ContainerStatus.RUNNING)), "the directory was taken");
        assertEquals(Optional.of(bundle("a")), s.load("a"));
        assertEquals(Optional.empty(), s.load("b"));
        assertEquals(Optional.empty(), s.update("b", c -> c));
    }

    @Test
    void bothKindsOfContainerRoundTripThroughTheOneFormat() throws Exception {
        ContainerStore s = new ContainerStore(root);
        ProcessIdentity monitor = new ProcessIdentity(42, 7);
        ContainerRecord oci = bundle("oci-1").withMonitor(monitor).withStatus(ContainerStatus.CREATED).running(T0.plusSeconds(1))
                .withVmSocket("/run/x.sock").exited(3, T0.plusSeconds(2));
        String hex = "ab".repeat(32);
        ContainerRecord kapsel = image(hex).withMonitor(monitor).running(T0.plusSeconds(1));
        s.create(oci);
        s.create(kapsel);
        assertEquals(oci, s.load("oci-1").orElseThrow());
        assertEquals(kapsel, s.load(hex).orElseThrow());
        String ociJson = Files.readString(s.directory("oci-1").resolve(ContainerStore.RECORD));
        assertTrue(ociJson.contains("\"status\" : \"stopped\"") && ociJson.contains("\"exitCode\" : 3")
                && ociJson.contains("\"bundle\" : \"/b\"") && ociJson.contains("\"isolation\" : \"sandbox\""), ociJson);
        assertFalse(ociJson.contains("\"name\"") || ociJson.contains("\"command\""), "absent fields are left out: " + ociJson);
        String kapselJson = Files.readString(s.directory(hex).resolve(ContainerStore.RECORD));
        assertTrue(kapselJson.contains("\"image\" : \"busybox:latest\"") && kapselJson.contains("\"removeOnExit\" : true")
                && kapselJson.contains("\"monitorPid\" : 42") && kapselJson.contains("\"started\" : \"2026-11-27T08:00:01Z\""), kapselJson);
        assertFalse(kapselJson.contains("exitCode") || kapselJson.contains("bundle"), kapselJson);
        assertEquals(T0.plusSeconds(2).toString(), oci.finished());
        assertEquals(oci, oci.exited(9, T0.plusSeconds(9)), "the first exit recorded stays");
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
        ContainerStore s = new ContainerStore(root);
        s.create(bundle("c"));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 100;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20; i++) {
                    String key = "k" + (base + i);
                    s.update("c", r -> {
                        Map<String, String> a = new HashMap<>(r.annotations());
                        a.put(key, "x");
                        return r.withAnnotations(a);
                    });
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(81, s.load("c").orElseThrow().annotations().size());
        try (Stream<Path> files = Files.list(root.resolve("c"))) {
            assertEquals(List.of("lock", "state.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void listingSkipsForeignDirectoriesAndRemovalTakesEverything() throws Exception {
        ContainerStore s = new ContainerStore(root);
        s.create(bundle("a"));
        s.create(bundle("b"));
        Files.createDirectories(root.resolve(".not-an-id"));
        Files.createDirectories(root.resolve("no-record"));
        Files.writeString(s.directory("a").resolve("stdout.log"), "x");
        assertEquals(2, s.list().size());
        assertTrue(s.remove("a"));
        assertFalse(Files.exists(s.directory("a")));
        assertFalse(s.remove("a"));
        assertEquals(List.of(bundle("b")), s.list());
    }

    @Test
    void idsCannotEscapeTheRoot() {
        for (String bad : new String[] {"..", "../x", "a/b", ".hidden", "", "a b", "x".repeat(1025)}) {
            assertFalse(ContainerStore.isValid(bad), bad);
        }
        assertFalse(ContainerStore.isValid(null));
        assertTrue(ContainerStore.isValid("sha256-ab_c.1+2"));
        assertTrue(ContainerStore.isValid("0123456789abcdef".repeat(4)), "kapsel's own ids are runc ids too");
    }

    @Test
    void aRecordWithAFieldThisKapselDoesNotKnowIsRefused() throws Exception {
        ContainerStore s = new ContainerStore(root);
        s.create(bundle("a"));
        Files.writeString(s.directory("a").resolve("state.json"), "{\"id\": \"a\", \"status\": \"created\", \"later\": true}");
        assertThrows(UncheckedIOException.class, () -> s.load("a"));
        assertEquals(List.of(), s.list(), "an unreadable record is not listed");
    }

    @Test
    void statusIsTrustedOnlyWhileTheMonitorLives() {
        ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        ContainerRecord running = bundle("c").withMonitor(me).running(T0);
        assertEquals(ContainerStatus.RUNNING, running.observedStatus());
        assertEquals(ContainerStatus.PAUSED, running.withStatus(ContainerStatus.PAUSED).observedStatus());
        ContainerRecord reused = running.withMonitor(new ProcessIdentity(me.pid(), me.startTime() + 7));
        assertEquals(ContainerStatus.STOPPED, reused.observedStatus(), "same pid, other start time: not ours");
        assertEquals(ContainerStatus.STOPPED, bundle("c").withMonitor(new ProcessIdentity(Integer.MAX_VALUE - 1, 1)).observedStatus());
        assertEquals(ContainerStatus.STOPPED, running.exited(0, T0).observedStatus(p -> true), "a recorded exit stands");
        assertEquals(ContainerStatus.CREATING, bundle("c").observedStatus(p -> false), "no monitor yet: still creating");
        assertEquals(ContainerStatus.STOPPED, bundle("c").withStatus(ContainerStatus.CREATED).observedStatus(p -> true),
                "past creating without a monitor: none will come");
        assertTrue(ContainerStatus.PAUSED.hasProcess() && ContainerStatus.CREATED.hasProcess());
        assertFalse(ContainerStatus.CREATING.hasProcess() || ContainerStatus.STOPPED.hasProcess());
    }
}
