package dev.kapsel.oci.state;

import dev.kapsel.host.ProcessIdentity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.oci.ContainerExistsException;
import dev.kapsel.oci.ContainerNotFoundException;
import dev.kapsel.oci.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    static ContainerRecord record(String id) {
        return new ContainerRecord(id, ContainerStatus.CREATED, 0, 0, "/b", "/b/rootfs", "2026-01-01T00:00:00Z",
                Map.of("k", "v"), "sandbox", null, null);
    }

    static ContainerRecord alive(String id, ContainerStatus status) {
        ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        return record(id).withMonitor(me).withStatus(status);
    }

    @Test
    void createLoadListRemove(@TempDir Path root) {
        StateStore store = new StateStore(root.resolve("run"));
        store.create(record("b"));
        store.create(record("a"));
        assertEquals(record("a"), store.load("a"));
        assertEquals(List.of("a", "b"), store.list().stream().map(ContainerRecord::id).toList());
        store.remove("a");
        assertFalse(Files.exists(root.resolve("run/a")));
        assertThrows(ContainerNotFoundException.class, () -> store.load("a"));
        assertThrows(ContainerNotFoundException.class, () -> store.remove("a"));
        assertThrows(ContainerNotFoundException.class, () -> store.update("a", r -> r));
    }

    @Test
    void anIdIsClaimedOnce(@TempDir Path root) {
        StateStore store = new StateStore(root);
        store.create(record("c1"));
        assertThrows(ContainerExistsException.class, () -> store.create(record("c1")));
    }

    @Test
    void idsCannotEscapeTheRoot(@TempDir Path root) {
        StateStore store = new StateStore(root);
        for (String bad : new String[] {"..", "../x", "a/b", ".hidden", "", "a b"}) {
            assertThrows(InvalidConfigException.class, () -> store.create(record(bad)), bad);
        }
        assertEquals("sha256-ab_c.1+2", StateStore.checkId("sha256-ab_c.1+2"));
    }

    @Test
    void updatesAreAtomicAndNoneIsLost(@TempDir Path root) throws Exception {
        StateStore store = new StateStore(root);
        store.create(record("c"));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 100;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20; i++) {
                    String key = "k" + (base + i);
                    store.update("c", r -> {
                        Map<String, String> a = new HashMap<>(r.annotations());
                        a.put(key, "x");
                        return new ContainerRecord(r.id(), r.status(), r.pid(), r.pidStartTime(), r.bundle(), r.rootfs(),
                                r.created(), a, r.backend(), r.exitStatus(), r.vmSocket());
                    });
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(81, store.load("c").annotations().size());
        try (Stream<Path> files = Files.list(root.resolve("c"))) {
            assertEquals(List.of("lock", "state.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void statusIsTrustedOnlyWhileTheMonitorLives() {
        assertEquals(ContainerStatus.RUNNING, alive("c", ContainerStatus.RUNNING).observedStatus());
        ContainerRecord reused = alive("c", ContainerStatus.RUNNING);
        reused = reused.withMonitor(new ProcessIdentity(reused.pid(), reused.pidStartTime() + 7));
        assertEquals(ContainerStatus.STOPPED, reused.observedStatus());
        assertEquals(0, reused.report().pid());
        ContainerRecord gone = record("c").withMonitor(new ProcessIdentity(Integer.MAX_VALUE - 1, 1));
        assertEquals(ContainerStatus.STOPPED, gone.report().status());
        assertEquals(ContainerStatus.STOPPED, alive("c", ContainerStatus.RUNNING).withExit(0).observedStatus());
    }

    @Test
    void stateJsonHasTheSpecificationsShape() throws Exception {
        ContainerRecord r = alive("c9", ContainerStatus.CREATED);
        JsonNode j = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(r.report()));
        assertEquals("1.0.2", j.get("ociVersion").asText());
        assertEquals("c9", j.get("id").asText());
        assertEquals("created", j.get("status").asText());
        assertEquals(ProcessHandle.current().pid(), j.get("pid").asLong());
        assertEquals("/b", j.get("bundle").asText());
        assertEquals("v", j.get("annotations").get("k").asText());
        assertTrue(j.has("rootfs") && j.has("created"));
        JsonNode stopped = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(r.withExit(3).report()));
        assertEquals("stopped", stopped.get("status").asText());
        assertEquals(0, stopped.get("pid").asLong());
    }
}
