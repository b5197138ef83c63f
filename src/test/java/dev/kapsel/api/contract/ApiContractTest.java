package dev.kapsel.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapsel.host.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YAML subset reader reads the contract as its authors mean it, and the schema check catches what it should. */
class ApiContractTest {
    private static final ApiContract CONTRACT = ApiContract.load();

    private static JsonNode json(String text) throws Exception {
        return Json.RECORDS.readTree(text);
    }

    @Test
    void theReaderFindsEveryPathAndDefinitionWithTheirShapes() {
        JsonNode root = CONTRACT.root();
        assertEquals("2.0", root.path("swagger").asText());
        assertTrue(root.path("paths").size() >= 25, root.path("paths").fieldNames().toString());
        for (String path : List.of("/", "/actions", "/boot-source", "/drives/{drive_id}", "/machine-config",
                "/network-interfaces/{iface_id}", "/vsock", "/entropy", "/balloon", "/balloon/statistics", "/vm",
                "/vm/config", "/version", "/snapshot/create", "/snapshot/load", "/logger", "/metrics")) {
            assertTrue(root.path("paths").has(path), path);
        }
        // Every definition is a schema with a type (or a $ref-only alias), none swallowed by a neighbour.
        root.path("definitions").fields().forEachRemaining(d ->
                assertTrue(d.getValue().has("type"), d.getKey() + " has no type: " + d.getValue()));
        JsonNode drive = CONTRACT.definition("Drive");
        assertEquals(List.of("drive_id", "is_root_device"),
                Json.RECORDS.convertValue(drive.get("required"), List.class));
        assertEquals("[\"Unsafe\",\"Writeback\"]", drive.path("properties").path("cache_type").path("enum").toString());
        assertEquals(32, CONTRACT.definition("MachineConfiguration").path("properties").path("vcpu_count").path("maximum").asInt());
        assertTrue(CONTRACT.definition("Logger").path("properties").path("level").path("enum").isArray());
        // A description continued over lines is one string, not lost keys.
        assertTrue(CONTRACT.definition("BalloonStats").path("description").asText().contains("statistics"));
        ApiContract.Operation put = CONTRACT.operation("PUT", "/drives/rootfs").orElseThrow();
        assertEquals("/drives/{drive_id}", put.pathTemplate());
        assertEquals("#/definitions/Drive", put.bodySchema().orElseThrow().path("$ref").asText());
        assertTrue(put.declaresStatus(204));
        assertTrue(CONTRACT.operation("GET", "/drives/rootfs").isEmpty());
    }

    @Test
    void theReaderHandlesTheConstructsTheContractUsesAndRefusesOthers() {
        JsonNode n = YamlSubset.parse("""
                a: 1
                b: "x: y" # comment
                c:
                - one
                - two
                d:
                  - name: p
                    in: body
                  - name: q
                e: >-
                  folded
                  text
                f:
                  plain text
                  continued: here
                g: [A, "B", 2]
                h: "multi
                  line"
                """);
        assertEquals(1, n.get("a").asInt());
        assertEquals("x: y", n.get("b").asText());
        assertEquals("[\"one\",\"two\"]", n.get("c").toString());
        assertEquals("[{\"name\":\"p\",\"in\":\"body\"},{\"name\":\"q\"}]", n.get("d").toString());
        assertEquals("folded text", n.get("e").asText());
        assertEquals("plain text continued: here", n.get("f").asText());
        assertEquals("[\"A\",\"B\",2]", n.get("g").toString());
        assertEquals("multi line", n.get("h").asText());
        assertThrows(IllegalArgumentException.class, () -> YamlSubset.parse("a: &x 1\n"));
        assertThrows(IllegalArgumentException.class, () -> YamlSubset.parse("a: 1\na: 2\n"));
        assertThrows(IllegalArgumentException.class, () -> YamlSubset.parse("a:\n\tb: 1\n"));
    }

    @Test
    void theSchemaCheckFindsMissingWrongAndUnknownFields() throws Exception {
        JsonNode drive = CONTRACT.definition("Drive");
        assertEquals(List.of(), CONTRACT.violations(drive,
                json("{\"drive_id\":\"rootfs\",\"is_root_device\":true,\"path_on_host\":\"/r.ext4\",\"is_read_only\":false}")));
        List<String> bad = CONTRACT.violations(drive, json("{\"drive_id\":1,\"cache_type\":\"Fast\",\"colour\":\"red\"}"));
        assertEquals(4, bad.size(), bad.toString());
        assertFalse(CONTRACT.violations(CONTRACT.definition("MachineConfiguration"),
                json("{\"vcpu_count\":33,\"mem_size_mib\":128}")).isEmpty());
        assertEquals(List.of(), CONTRACT.violations(CONTRACT.definition("Metrics"),
                Json.RECORDS.valueToTree(Map.of("metrics_path", "/m", "properties", Map.of("k", "v")))));
    }
}
