package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build step that compiles the agent: a static binary, and a clear message when gcc is missing. */
class AgentBuildTest {
    private static final Path SCRIPT = Path.of("src/main/c/agent/build.sh");

    @Test
    void theBuildMadeAStaticExecutable() throws Exception {
        byte[] head = Files.readAllBytes(GuestAgentProcess.BINARY);
        assertEquals(0x7f, head[0]);
        assertEquals("ELF", new String(head, 1, 3, StandardCharsets.US_ASCII));
        Process file = new ProcessBuilder("readelf", "-l", GuestAgentProcess.BINARY.toString())
                .redirectErrorStream(true).start();
        String program = new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        file.waitFor();
        assertTrue(program.contains("LOAD"), program);
        assertFalse(program.contains("INTERP"), "the agent asks for a dynamic loader; it must be static:\n" + program);
    }

    @Test
    void aMissingCompilerFailsWithAMessageThatSaysWhatToInstall(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString(), dir.resolve("kapsel-agent").toString())
                .redirectErrorStream(true);
        pb.environment().put("CC", "kapsel-no-such-compiler");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor());
        assertTrue(out.contains("kapsel-no-such-compiler is missing") && out.contains("Install gcc and libc6-dev"), out);
        assertFalse(Files.exists(dir.resolve("kapsel-agent")));
    }
}
