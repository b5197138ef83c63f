package dev.kapsel.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapsel.oci.InvalidStateException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** list's and ps's output in runc 1.1.5's shapes (the expected strings are what runc printed on this host). */
class RuncOutputShapesTest {
    private static final OciListCommand.Entry RUNNING = new OciListCommand.Entry("1.0.2", "r2", 18102, "running", "/tmp/rcb",
            "/tmp/rcb/rootfs", "2026-12-02T01:04:51.77186706Z", Map.of(), "root");

    @Test
    void listTableIsRuncsTabwriter() {
        assertEquals("ID          PID         STATUS      BUNDLE      CREATED     OWNER\n", OciListCommand.table(List.of()));
        assertEquals("""
                ID          PID         STATUS      BUNDLE      CREATED                         OWNER
                r2          18102       running     /tmp/rcb    2026-12-02T01:04:51.77186706Z   root
                """, OciListCommand.table(List.of(RUNNING)));
    }

    @Test
    void listJsonIsNullWhenEmptyAndOmitsEmptyAnnotations() throws Exception {
        assertEquals("null", OciListCommand.json(List.of()));
        assertEquals("[{\"ociVersion\":\"1.0.2\",\"id\":\"r2\",\"pid\":18102,\"status\":\"running\",\"bundle\":\"/tmp/rcb\","
                + "\"rootfs\":\"/tmp/rcb/rootfs\",\"created\":\"2026-12-02T01:04:51.77186706Z\",\"owner\":\"root\"}]",
                OciListCommand.json(List.of(RUNNING)));
        OciListCommand.Entry annotated = new OciListCommand.Entry("1.0.2", "a", 0, "stopped", "/b", "/b/rootfs", "t",
                Map.of("k", "v"), "#1000");
        assertEquals("[{\"ociVersion\":\"1.0.2\",\"id\":\"a\",\"pid\":0,\"status\":\"stopped\",\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\","
                + "\"created\":\"t\",\"annotations\":{\"k\":\"v\"},\"owner\":\"#1000\"}]", OciListCommand.json(List.of(annotated)));
    }

    @Test
    void psTableKeepsTheHeaderAndTheContainersLines() {
        String ps = """
                UID        PID  PPID  C STIME TTY          TIME CMD
                root         1     0  0 00:10 ?        00:00:01 init
                root     18102     1  3 01:04 ?        00:00:00 sleep 100
                root     18200     1  0 01:05 ?        00:00:00 sleep 50
                """;
        assertEquals("""
                UID        PID  PPID  C STIME TTY          TIME CMD
                root     18102     1  3 01:04 ?        00:00:00 sleep 100
                """, OciPsCommand.table(ps, Set.of(18102L)));
        // -o pid,comm puts PID first: the column is found by its header.
        assertEquals("  PID COMMAND\n18102 sleep\n", OciPsCommand.table("  PID COMMAND\n    1 init\n18102 sleep\n", Set.of(18102L)));
        assertThrows(InvalidStateException.class, () -> OciPsCommand.table("USER COMMAND\nroot x\n", Set.of(1L)));
    }

    @Test
    void stateJsonIsIndentedAsGosMarshalIndent() throws Exception {
        // runc state: two spaces, no space before the colon, one array element a line.
        assertEquals("{\n  \"id\": \"r2\",\n  \"pids\": [\n    1,\n    2\n  ]\n}", RuncJson.pretty(ordered()));
    }

    private static Map<String, Object> ordered() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", "r2");
        m.put("pids", List.of(1, 2));
        return m;
    }
}
