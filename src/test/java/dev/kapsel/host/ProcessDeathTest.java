package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one stop-then-wait, on real child processes. */
class ProcessDeathTest {
    @Test
    void aTermEndsAProcessThatDoesNotCatchIt() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        ProcessIdentity id = ProcessIdentity.of(p.pid()).orElseThrow();
        assertFalse(ProcessDeath.await(id, Duration.ofMillis(100)), "alive until signalled");
        assertTrue(ProcessDeath.signal(id, ProcessDeath.SIGTERM));
        assertTrue(ProcessDeath.await(id, Duration.ofSeconds(10)));
        assertFalse(ProcessDeath.signal(id, ProcessDeath.SIGTERM), "a dead process is not signalled (nor its reused pid)");
    }

    @Test
    void killWaitsForAProcessThatIgnoresTerm() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; exec sleep 30").start();
        // only once the shell has set the trap (sleep inherits the ignored TERM through exec)
        assertTrue(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine().equals("ready"));
        ProcessIdentity id = ProcessIdentity.of(p.pid()).orElseThrow();
        ProcessDeath.signal(id, ProcessDeath.SIGTERM);
        assertFalse(ProcessDeath.await(id, Duration.ofMillis(300)), "TERM is ignored");
        ProcessDeath.kill(id, "the test child");
        assertFalse(id.isAlive());
    }
}
