package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes creating the same container name at once: the file lock lets exactly one win. */
class ContainerRegistryProcessesTest {
    @TempDir
    Path tmp;

    @Test
    void oneProcessWinsAName() throws Exception {
        Path root = tmp.resolve("containers");
        Path go = tmp.resolve("go");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> contenders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            contenders.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    CreateNamedContainer.class.getName(), root.toString(), go.toString(), "x")
                    .redirectErrorStream(true).start());
        }
        Thread.sleep(1500); // let the JVMs start, so they contend rather than run one after another
        Files.createFile(go);
        List<String> outcomes = new ArrayList<>();
        for (Process p : contenders) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            outcomes.add(new String(p.getInputStream().readAllBytes()).strip());
        }
        assertEquals(1, outcomes.stream().filter(o -> o.startsWith("won ")).count(), outcomes.toString());
        assertEquals(3, outcomes.stream().filter(o -> o.equals("lost")).count(), outcomes.toString());
        List<ContainerRecord> all = new ContainerRegistry(root, Clock.systemUTC()).list();
        assertEquals(1, all.size());
        assertEquals(outcomes.stream().filter(o -> o.startsWith("won ")).findFirst().orElseThrow().substring(4), all.getFirst().id());
    }
}
