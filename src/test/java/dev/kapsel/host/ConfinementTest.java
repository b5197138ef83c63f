package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Confinement} read from /proc/PID/status texts, and this process's own. */
class ConfinementTest {
    @Test
    void theStatusFieldsAreRead() {
        String status = "Name:\tjava\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\nSpeculation_Store_Bypass:\tthread vulnerable\n";
        Confinement c = Confinement.parse(status).orElseThrow();
        assertEquals(new Confinement(2, 1, true), c);
        assertTrue(c.filtered());
        assertEquals("seccomp filter (1), no_new_privs", c.summary());
        assertEquals("seccomp none, new privileges allowed", new Confinement(0, 0, false).summary());
        assertEquals(Optional.empty(), Confinement.parse("Name:\tjava\n"), "a kernel without CONFIG_SECCOMP");
    }

    @Test
    void thisProcessHasAnEntryAndAGoneOneHasNone() {
        assertTrue(Confinement.of(ProcessHandle.current().pid()).isPresent());
        assertEquals(Optional.empty(), Confinement.of(Integer.MAX_VALUE));
    }
}
