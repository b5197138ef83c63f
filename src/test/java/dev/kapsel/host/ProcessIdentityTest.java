package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessIdentityTest {
    private static final String TAIL = " 1 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %d 1000 100 0";

    @Test
    void parsesStartTimeAfterACommandNameWithSpacesAndParentheses() {
        Optional<ProcessIdentity> p = ProcessIdentity.parse(42, "42 (a) b (c) S" + TAIL.formatted(987654));
        assertEquals(Optional.of(new ProcessIdentity(42, 987654)), p);
    }

    @Test
    void aZombieOrGarbageIsNoProcess() {
        assertTrue(ProcessIdentity.parse(42, "42 (java) Z" + TAIL.formatted(5)).isEmpty());
        assertTrue(ProcessIdentity.parse(42, "42 java S 1 2").isEmpty());
        assertTrue(ProcessIdentity.parse(42, "42 (java) S 1 2 3").isEmpty());
    }

    @Test
    void thisProcessIsAliveAndAReusedPidIsNot() {
        ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(me.isAlive());
        assertFalse(new ProcessIdentity(me.pid(), me.startTime() + 1).isAlive());
        assertTrue(ProcessIdentity.of(0).isEmpty());
    }

    @Test
    void anExitedProcessIsGone() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        ProcessIdentity id = ProcessIdentity.of(p.pid()).orElse(new ProcessIdentity(p.pid(), 0));
        p.waitFor();
        assertFalse(id.isAlive());
    }
}
