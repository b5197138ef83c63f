package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.container.detached.ContainerState;
import dev.kapsel.container.record.ContainerRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PsTableTest {
    static final Instant NOW = Instant.parse("2026-11-27T08:10:00Z");

    static ContainerRecord container(String idDigit, String name, List<String> command, Instant created) {
        return ContainerRecord.ofImage(idDigit.repeat(64), name, "kapsel-test/busybox:latest", command, "vm", created, false);
    }

    @Test
    void alignsDockersColumnsAndCutsLongCommands() {
        String table = PsTable.format(List.of(
                new PsTable.Row(container("a", "web", List.of("sh", "-c", "echo started; exec sleep 1000"), NOW.minusSeconds(7))
                        .withAnnotations(java.util.Map.of(PsTable.PORTS_ANNOTATION, "0.0.0.0:8080->80/tcp")),
                        new ContainerState.Up(NOW.minusSeconds(5))),
                new PsTable.Row(container("b", "x", List.of("true"), NOW.minusSeconds(180)),
                        new ContainerState.Exited(0, NOW.minusSeconds(120)))), NOW);
        assertEquals("""
                CONTAINER ID   IMAGE                        COMMAND                  CREATED         STATUS                     PORTS                  NAMES
                aaaaaaaaaaaa   kapsel-test/busybox:latest   "sh -c echo started;…"   7 seconds ago   Up 5 seconds               0.0.0.0:8080->80/tcp   web
                bbbbbbbbbbbb   kapsel-test/busybox:latest   "true"                   3 minutes ago   Exited (0) 2 minutes ago                          x
                """, table);
    }

    @Test
    void emptyListIsTheHeader() {
        assertEquals("CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES\n", PsTable.format(List.of(), NOW));
    }
}
