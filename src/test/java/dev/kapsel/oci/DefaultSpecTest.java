package dev.kapsel.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kapsel's spec against {@code runc spec} (and {@code --rootless}) run on this host, field by field. */
class DefaultSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    /** runc's spec in a fresh directory; skipped where runc is not installed. */
    private JsonNode runcSpec(String... flags) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")), "needs runc");
        Path d = Files.createTempDirectory(dir, "runc");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("runc", "spec"));
        command.addAll(java.util.List.of(flags));
        Process p = new ProcessBuilder(command).directory(d.toFile()).inheritIO().start();
        assertEquals(0, p.waitFor());
        return JSON.readTree(Files.readString(d.resolve("config.json")));
    }

    /** What kapsel chose differently, named: removed from both before they are compared. */
    private static JsonNode withoutKapselChoices(JsonNode spec) {
        ObjectNode copy = spec.deepCopy();
        copy.remove("ociVersion"); // runc 1.1.5 writes "1.0.2-dev", kapsel the released 1.0.2 it implements
        copy.remove("hostname"); // "runc" there, "kapsel" here
        copy.remove("annotations"); // kapsel's dev.kapsel.isolation
        return copy;
    }

    private static void assertSameFields(JsonNode runc, JsonNode kapsel) {
        for (Iterator<String> names = runc.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            assertEquals(runc.get(name), kapsel.get(name), name);
        }
        assertEquals(runc.size(), kapsel.size(), "fields: " + kapsel.properties());
    }

    @Test
    void theDefaultSpecIsRuncs() throws Exception {
        JsonNode kapsel = JSON.readTree(DefaultSpec.json());
        assertEquals("kapsel", kapsel.get("hostname").asText());
        assertEquals("sandbox", kapsel.get("annotations").get("dev.kapsel.isolation").asText());
        assertSameFields(withoutKapselChoices(runcSpec()), withoutKapselChoices(kapsel));
    }

    @Test
    void rootlessIsRuncsRootless() throws Exception {
        long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        long gid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
        JsonNode runc = withoutKapselChoices(runcSpec("--rootless"));
        JsonNode kapsel = withoutKapselChoices(JSON.readTree(DefaultSpec.rootless(uid, gid)));
        assertSameFields(runc, kapsel);
        assertSameFields(runc.get("linux"), kapsel.get("linux"));
        assertSameFields(runc.get("process"), kapsel.get("process"));
        // Another user's mappings name that user, and nothing else changes.
        JsonNode other = JSON.readTree(DefaultSpec.rootless(1000, 100));
        assertEquals(1000, other.at("/linux/uidMappings/0/hostID").asLong());
        assertEquals(100, other.at("/linux/gidMappings/0/hostID").asLong());
        assertEquals(0, other.at("/linux/uidMappings/0/containerID").asLong());
        assertEquals(1, other.at("/linux/gidMappings/0/size").asLong());
    }
}
