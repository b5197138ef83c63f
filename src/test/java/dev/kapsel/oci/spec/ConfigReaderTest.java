package dev.kapsel.oci.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.oci.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
    static String example() throws IOException {
        try (InputStream in = ConfigReaderTest.class.getResourceAsStream("spec-example-config.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static final String MINIMAL = """
            {"ociVersion": "1.0.2", "root": {"path": "rootfs"},
             "process": {"args": ["sh"], "cwd": "/"}}
            """;

    @Test
    void readsTheSpecificationsExampleConfig() throws IOException {
        OciConfig c = ConfigReader.parse(example());
        assertEquals("1.0.1", c.ociVersion());
        assertEquals(List.of("sh"), c.process().args());
        assertTrue(c.process().terminal());
        assertEquals(1, c.process().user().uid());
        assertEquals(List.of(5L, 6L), c.process().user().additionalGids());
        assertEquals("RLIMIT_NOFILE", c.process().rlimits().get(1).type());
        assertEquals(1024, c.process().rlimits().get(1).hard());
        assertEquals("rootfs", c.root().path());
        assertTrue(c.root().readonly());
        assertEquals("slartibartfast", c.hostname());
        assertEquals(7, c.mounts().size());
        assertEquals("/dev/shm", c.mounts().get(3).destination());
        assertEquals(536870912L, c.linux().resources().memory().limit());
        assertEquals(1000000L, c.linux().resources().cpu().quota());
        assertEquals("2-3", c.linux().resources().cpu().cpus());
        assertEquals(2, c.linux().devices().size());
        assertFalse(c.linux().seccomp().isNull());
        assertEquals("value2", c.annotations().get("com.example.key2"));
    }

    @Test
    void ignoresUnknownFieldsAsTheSpecificationAllows() {
        OciConfig c = ConfigReader.parse("""
                {"ociVersion": "1.1.0", "root": {"path": "r", "x-vendor": 1}, "vendorExtension": {"a": [1, 2]},
                 "process": {"args": ["true"], "cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_IDLE"}}}
                """);
        assertEquals(List.of("true"), c.process().args());
        assertNull(c.linux());
        assertTrue(c.mounts().isEmpty());
    }

    @Test
    void rejectsMalformedJson() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigReader.parse("{\"ociVersion\": \"1.0.2\","));
        assertTrue(e.getMessage().startsWith("config.json is not valid"), e.getMessage());
    }

    @Test
    void rejectsAWrongType() {
        assertThrows(InvalidConfigException.class, () -> ConfigReader.parse(MINIMAL.replace("[\"sh\"]", "\"sh\"")));
    }

    @Test
    void rejectsMissingRequiredFields() {
        assertMessage("ociVersion", MINIMAL.replace("\"ociVersion\": \"1.0.2\",", ""));
        assertMessage("root.path", MINIMAL.replace("\"root\": {\"path\": \"rootfs\"},", ""));
        assertMessage("process", "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}}");
        assertMessage("process.args", MINIMAL.replace("[\"sh\"]", "[]"));
        assertMessage("process.cwd", MINIMAL.replace("\"cwd\": \"/\"", "\"cwd\": \"relative\""));
        assertMessage("ociVersion 2.0.0", MINIMAL.replace("1.0.2", "2.0.0"));
        assertMessage("destination", MINIMAL.replace("\"process\"", "\"mounts\": [{\"type\": \"tmpfs\"}], \"process\""));
        assertMessage("RLIMIT", MINIMAL.replace("\"cwd\"", "\"rlimits\": [{\"type\": \"NOFILE\"}], \"cwd\""));
    }

    private static void assertMessage(String expected, String json) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigReader.parse(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void readsABundleAndAProcessFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), MINIMAL);
        assertEquals("rootfs", ConfigReader.readBundle(dir).root().path());
        Path process = dir.resolve("process.json");
        Files.writeString(process, "{\"args\": [\"echo\", \"hi\"], \"cwd\": \"/tmp\", \"env\": [\"A=1\"], \"terminal\": false}");
        OciProcess p = ConfigReader.readProcess(process);
        assertEquals(List.of("echo", "hi"), p.args());
        assertEquals(0, p.user().uid());
        assertThrows(InvalidConfigException.class, () -> ConfigReader.readBundle(dir.resolve("absent")));
    }
}
