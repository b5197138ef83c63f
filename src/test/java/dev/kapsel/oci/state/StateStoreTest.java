package dev.kapsel.oci.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.host.ProcessIdentity;
import dev.kapsel.oci.ContainerExistsException;
import dev.kapsel.oci.ContainerNotFoundException;
import dev.kapsel.oci.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI view of the one record store: runc's ids, the OCI errors, and the state JSON (the wire format, not the record). */
class StateStoreTest {
    static ContainerRecord record(String id) {
        return ContainerRecord.ofBundle(id, "/b", "/b/rootfs", Map.of("k", "v"), "sandbox", Instant.parse("2026-01-01T00:00:00Z"));
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
        assertTrue(store.exists("a"));
        assertEquals(List.of("a", "b"), store.list().stream().map(ContainerRecord::id).toList());
        store.remove("a");
        assertFalse(Files.exists(root.resolve("run/a")));
        assertFalse(store.exists("a"));
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
            assertThrows(InvalidConfigException.class, () -> store.load(bad), bad);
        }
        assertEquals("sha256-ab_c.1+2", StateStore.checkId("sha256-ab_c.1+2"));
    }

    @Test
    void aStoppedContainerReportsPidZero() {
        ContainerRecord reused = alive("c", ContainerStatus.RUNNING);
        reused = reused.withMonitor(new ProcessIdentity(reused.monitorPid(), reused.monitorStartTime() + 7));
        assertEquals(0, StateReport.of(reused).pid());
        assertEquals(ContainerStatus.STOPPED, StateReport.of(reused).status());
        assertEquals(0, StateReport.of(record("c")).pid(), "creating, no monitor yet");
        assertEquals(ContainerStatus.CREATING, StateReport.of(record("c")).status());
    }

    @Test
    void stateJsonHasTheSpecificationsShape() throws Exception {
        ContainerRecord r = alive("c9", ContainerStatus.CREATED);
        String text = new ObjectMapper().writeValueAsString(StateReport.of(r));
        JsonNode j = new ObjectMapper().readTree(text);
        assertEquals(List.of("ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner", "annotations"),
                iterableNames(j), "runc's field order: " + text);
        assertEquals("1.0.2", j.get("ociVersion").asText());
        assertEquals("c9", j.get("id").asText());
        assertEquals("created", j.get("status").asText());
        assertEquals(ProcessHandle.current().pid(), j.get("pid").asLong());
        assertEquals("/b", j.get("bundle").asText());
        assertEquals("/b/rootfs", j.get("rootfs").asText());
        assertEquals("2026-01-01T00:00:00Z", j.get("created").asText());
        assertEquals("v", j.get("annotations").get("k").asText());
        JsonNode stopped = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(
                StateReport.of(r.exited(3, Instant.now()))));
        assertEquals("stopped", stopped.get("status").asText());
        assertEquals(0, stopped.get("pid").asLong());
        assertFalse(stopped.has("exitCode") || stopped.has("monitorPid") || stopped.has("isolation"),
                "the record's own fields stay out of the state JSON");
    }

    private static List<String> iterableNames(JsonNode j) {
        List<String> names = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
