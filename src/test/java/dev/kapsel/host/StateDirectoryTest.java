package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDirectoryTest {
    @Test
    void theEnvironmentVariableWinsForEveryUser() {
        Map<String, String> env = Map.of("KAPSEL_STATE_DIR", "/srv/k", "HOME", "/home/u");
        assertEquals(Path.of("/srv/k"), StateDirectory.resolve(env, 0, "/root"));
        assertEquals(Path.of("/srv/k"), StateDirectory.resolve(env, 1000, "/home/u"));
    }

    @Test
    void uidZeroUsesVarLibWhateverItsNameOrHome() {
        assertEquals(Path.of("/var/lib/kapsel"), StateDirectory.resolve(Map.of("HOME", "/home/u"), 0, "/home/u"));
        assertEquals(Path.of("/var/lib/kapsel"), StateDirectory.resolve(Map.of("KAPSEL_STATE_DIR", " "), 0, "/"));
    }

    @Test
    void otherUsersUseHomeAsTheShellDoes() {
        assertEquals(Path.of("/home/u/.local/share/kapsel"),
                StateDirectory.resolve(Map.of("HOME", "/home/u"), 1000, "/passwd/home"));
        assertEquals(Path.of("/passwd/home/.local/share/kapsel"), StateDirectory.resolve(Map.of(), 1000, "/passwd/home"));
    }

    @Test
    void theEffectiveUidIsTheSecondUidField() {
        String status = "Name:\tjava\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n";
        assertEquals(0, StateDirectory.parseEffectiveUid(status));
        assertThrows(IllegalStateException.class, () -> StateDirectory.parseEffectiveUid("Name:\tx\n"));
    }

    @Test
    void thisProcessAgreesWithIdU() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        long expected = Long.parseLong(new String(id.getInputStream().readAllBytes()).trim());
        assertEquals(0, id.waitFor());
        assertEquals(expected, StateDirectory.effectiveUid());
    }
}
