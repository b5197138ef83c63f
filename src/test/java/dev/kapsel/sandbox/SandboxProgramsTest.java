package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the static C test programs of {@code src/test/c/sandbox} in the sandbox, each checking one
 * area and printing PASS/FAIL lines: all must pass, and as many as the program has checks.
 */
class SandboxProgramsTest {
    private static final Pattern DONE = Pattern.compile("DONE (\\d+) checks, (\\d+) failures");

    @TempDir
    Path dir;

    static void assertAllPass(GuestPrograms.Run r, int expectedChecks) {
        Matcher m = DONE.matcher(r.stdout());
        assertTrue(m.find(), r.describe());
        assertEquals(expectedChecks, Integer.parseInt(m.group(1)), r.describe());
        assertEquals(0, Integer.parseInt(m.group(2)), r.describe());
        assertFalse(r.stdout().contains("FAIL"), r.describe());
        assertEquals(expectedChecks, r.stdout().lines().filter(l -> l.startsWith("PASS ")).count(), r.describe());
        assertEquals(0, r.result().exitStatus(), r.describe());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fileio, 37", "dirs, 30", "memory, 26", "timeprog, 10", "random, 9", "tls, 8", "attack, 26", "threads, 8", "procs, 12", "signals, 15",
        "polling, 19", "sockets, 47"})
    void programPassesAllItsChecks(String name, int checks) throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile(name, false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/" + name);
        assertAllPass(r, checks);
    }

    @Test
    void staticPieProgramPassesToo() throws Exception {
        Path exe = GuestPrograms.compile("memory", true);
        Path root = GuestPrograms.rootfs(dir, exe);
        assertAllPass(GuestPrograms.run(root, false, "/bin/memory-pie"), 26);
    }

    @Test
    void writesStayInTheSandboxAndTheImageIsUnchanged() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("fileio", false), GuestPrograms.compile("dirs", false));
        assertAllPass(GuestPrograms.run(root, false, "/bin/fileio"), 37);
        assertAllPass(GuestPrograms.run(root, false, "/bin/dirs"), 30);
        assertEquals("root:x:0:0:root:/root:/bin/sh\n", Files.readString(root.resolve("etc/passwd")));
        assertTrue(Files.exists(root.resolve("etc/hostname")));
        assertFalse(Files.exists(root.resolve("tmp/a.txt")));
        assertFalse(Files.exists(root.resolve("tmp/d")));
    }

    @Test
    void straceShowsDecodedCallsAndResults() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("hello", false));
        GuestPrograms.Run r = GuestPrograms.run(root, true, "/bin/hello", "x");
        assertTrue(r.strace().contains("write(1, \"hello from the sandbox, argc=2 a\"..., 41) = 41"), r.strace());
        assertTrue(r.strace().contains("arch_prctl(0x1002, 0x"), r.strace());
        assertTrue(r.strace().contains("exit_group(7) = ? <exited with status 7>"), r.strace());
        assertTrue(r.strace().contains("+++ exited with status 7 +++"), r.strace());
    }
}
