package dev.kapsel.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeLogTest {
    @Test
    void jsonLinesHaveTheShapeTheRuncShimReads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("log.json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RuntimeLog log = new RuntimeLog(file, RuntimeLog.Format.JSON, new PrintStream(err, true));
        log.warn("not honoured: \"x\"");
        log.error("container c1 does not exist");
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode last = new ObjectMapper().readTree(lines.get(1));
        assertEquals("error", last.get("level").asText());
        assertEquals("container c1 does not exist", last.get("msg").asText());
        assertTrue(last.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), last.get("time").asText());
        assertEquals("not honoured: \"x\"", new ObjectMapper().readTree(lines.get(0)).get("msg").asText());
        assertEquals("kapsel: container c1 does not exist\n", err.toString()); // the warning went only to the file
    }

    @Test
    void formatsAreTextOrJson() {
        assertEquals(RuntimeLog.Format.TEXT, RuntimeLog.parseFormat("text"));
        assertEquals(RuntimeLog.Format.JSON, RuntimeLog.parseFormat("json"));
        assertThrows(IllegalArgumentException.class, () -> RuntimeLog.parseFormat("xml"));
    }

    @Test
    void debugLinesOnlyWithDebug(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("log.json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RuntimeLog quiet = new RuntimeLog(file, RuntimeLog.Format.JSON, new PrintStream(err, true));
        quiet.debug("not written");
        RuntimeLog debug = quiet.withDebug(true);
        debug.debug("create c1: backend sandbox");
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        JsonNode line = new ObjectMapper().readTree(lines.getFirst());
        assertEquals("debug", line.get("level").asText());
        assertEquals("create c1: backend sandbox", line.get("msg").asText());
        assertEquals("", err.toString());
        // Without a log file, runc's debug lines go to stderr.
        new RuntimeLog(null, RuntimeLog.Format.TEXT, new PrintStream(err, true)).withDebug(true).debug("x");
        assertTrue(err.toString().matches("time=\".*\" level=debug msg=\"x\"\n"), err.toString());
    }
}
