package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Faults and hostile programs: every forbidden instruction or access ends the program with the
 * signal Linux would send (status 128+N and a reason), the TLB forgets unmapped and write-protected
 * pages, the memory limit holds, and no path reaches a host file outside the root.
 */
class SandboxFaultsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "hlt, 11", "cli, 11", "out, 11", "in, 11", "mov-cr3, 11", "wrmsr, 11", "lidt, 11", "ud2, 4", "int3, 5", "div0, 8", "jump-kernel, 11", "read-kernel, 11", "write-kernel, 11",
        "noncanonical, 11", "syscall-then-hlt, 11", "fake-syscall-entry, 11", "kill-self, 15", "abort, 6"})
    void forbiddenInstructionsEndWithASignal(String what, int signal) throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("attack", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/attack", what);
        assertTrue(r.stdout().startsWith("trying " + what), r.describe());
        assertFalse(r.stdout().contains("survived"), r.describe());
        assertEquals(signal, r.result().signal(), r.describe());
        assertEquals(128 + signal, r.result().exitStatus(), r.describe());
        assertTrue(r.result().reason().startsWith("killed by " + Signals.name(signal)), r.describe());
    }

    /** {@code int N} through a DPL 0 gate is #GP on hardware; this host's kvm_pvm reports #UD. Either way a signal. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"int80", "int-vector-14"})
    void softwareInterruptsToKernelGatesEndWithASignal(String what) throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("attack", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/attack", what);
        assertFalse(r.stdout().contains("survived"), r.describe());
        assertTrue(r.result().signal() == Signals.SIGSEGV || r.result().signal() == Signals.SIGILL, r.describe());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"after-munmap, read", "write-readonly, write", "exec-data, execution", "null, read of address 0x0 "})
    void badAccessesGetSigsegv(String mode, String access) throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("memory", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/memory", mode);
        assertEquals(139, r.result().exitStatus(), r.describe());
        assertTrue(r.result().reason().contains("SIGSEGV: " + access), r.describe());
        assertFalse(r.stdout().contains("survived"), r.describe());
    }

    @Test
    void theMemoryLimitEndsARunawayProgram() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("memory", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, SandboxLimits.ofMemoryMiB(32), "/bin/memory", "oom");
        assertTrue(r.result().exitStatus() == 137 || r.stdout().contains("malloc failed"), r.describe());
        assertFalse(r.stdout().contains("survived"), r.describe());
    }

    @Test
    void noPathOrLinkReachesAHostFileOutsideTheRoot() throws Exception {
        Path secretDir = Files.createDirectories(dir.resolve("outside"));
        Path secret = Files.writeString(secretDir.resolve("secret.txt"), "TOPSECRET\n");
        Path root = GuestPrograms.rootfs(dir.resolve("root"), GuestPrograms.compile("attack", false));
        Files.createSymbolicLink(root.resolve("abs"), secret.toAbsolutePath());
        Files.createSymbolicLink(root.resolve("rel"), Path.of("../outside/secret.txt"));
        Files.createSymbolicLink(root.resolve("deep"), Path.of("../../../../../../../../" + secret.toAbsolutePath()));
        Files.createSymbolicLink(root.resolve("updir"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("hostdir"), secretDir.toAbsolutePath());
        Files.createSymbolicLink(root.resolve("etc/shadowlink"), Path.of("/etc/shadow"));
        Files.createSymbolicLink(root.resolve("chain1"), Path.of("chain2/../../outside/secret.txt"));
        Files.createSymbolicLink(root.resolve("chain2"), Path.of("updir/updir"));
        Files.createSymbolicLink(root.resolve("proc-root"), Path.of("/proc/self/root/../outside/secret.txt"));
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/attack", "escape",
                "/abs", "/rel", "/deep", "/updir/outside/secret.txt", "/updir", "/hostdir/secret.txt", "/hostdir",
                "/etc/shadowlink", "/etc/shadow", "/../../outside/secret.txt", "/chain1", "/chain2", "/proc-root",
                "/etc/../../../outside/secret.txt", "../outside/secret.txt", "/etc/hostname",
                secret.toAbsolutePath().toString(), "/updir/updir/etc/hostname");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertFalse(r.stdout().contains("TOPSECRET"), r.describe());
        assertFalse(r.stdout().contains("secret.txt "), r.describe());
        assertFalse(r.stdout().contains(" outside"), r.describe());
        assertTrue(r.stdout().contains("READ /etc/hostname: kapsel"), r.describe());
        assertTrue(r.stdout().contains("READ /updir/updir/etc/hostname: kapsel"), r.describe());
        assertTrue(r.stdout().contains("OPEN /etc/shadow: No such file or directory"), r.describe());
        assertTrue(r.stdout().contains("OPEN /abs: No such file or directory"), r.describe());
        assertTrue(r.stdout().contains("LIST /updir: . .. "), r.describe());
    }
}
