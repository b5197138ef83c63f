package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sys.seccomp.SyscallNumbers;
import dev.kapsel.testing.Guest;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The monitors' filter installed for real, in a child JVM ({@link SeccompChild}): the JVM goes on
 * working under it, and the one call off the list ends the process with SIGSYS under kill and trap
 * and is only logged under log. Plus the policy's words and the list's names.
 */
class MonitorSeccompTest {
    /** 128 + SIGSYS. */
    private static final int KILLED_BY_SIGSYS = 128 + 31;

    private static Guest.Result child(String mode) throws Exception {
        String cp = String.join(File.pathSeparator, "target/test-classes", "target/classes", "target/lib/*");
        return Guest.run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:-CreateCoredumpOnCrash", "-cp", cp,
                SeccompChild.class.getName(), mode));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kill", "trap"})
    void aCallOffTheListEndsTheProcessWithSigsys(String mode) throws Exception {
        Guest.Result r = child(mode);
        assertEquals(KILLED_BY_SIGSYS, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("thread ran\nSeccomp: 2 NoNewPrivs: 1\n"), r.toString());
        assertFalse(r.stdout().contains("survived"), r.toString());
    }

    @Test
    void underLogTheCallIsMadeAndTheProcessGoesOn() throws Exception {
        Guest.Result r = child("log");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Seccomp: 2 NoNewPrivs: 1\nsurvived personality="), r.toString());
    }

    @Test
    void theModesWords() {
        assertEquals(MonitorSeccomp.Mode.KILL, MonitorSeccomp.of(null));
        assertEquals(MonitorSeccomp.Mode.KILL, MonitorSeccomp.of(""));
        assertEquals(MonitorSeccomp.Mode.TRAP, MonitorSeccomp.of("trap"));
        assertEquals(MonitorSeccomp.Mode.LOG, MonitorSeccomp.of("LOG"));
        assertEquals(MonitorSeccomp.Mode.OFF, MonitorSeccomp.of("off"));
        assertTrue(MonitorSeccomp.filter(MonitorSeccomp.Mode.OFF).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MonitorSeccomp.of("maybe"));
        assertTrue(e.getMessage().contains("KAPSEL_SECCOMP=maybe"), e.getMessage());
    }

    @Test
    void theListNamesRealCallsAndNoneOfTheRefusedOnes() {
        MonitorSyscalls.ALLOWED.forEach(SyscallNumbers::number);
        for (String refused : Set.of("execve", "execveat", "fork", "vfork", "mount", "umount2", "pivot_root", "chroot", "unshare",
                "setuid", "setgid", "setresuid", "ptrace", "process_vm_readv", "process_vm_writev", "bpf", "perf_event_open",
                "init_module", "finit_module", "kexec_load", "reboot", "keyctl", "userfaultfd", "io_uring_setup",
                "settimeofday", "clock_settime", "personality", "open_by_handle_at")) {
            assertFalse(MonitorSyscalls.ALLOWED.contains(refused), refused);
        }
        assertEquals(MonitorSyscalls.ALLOWED.stream().distinct().count(), MonitorSyscalls.ALLOWED.size());
    }
}
