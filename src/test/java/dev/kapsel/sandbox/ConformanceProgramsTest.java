package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Conformance programs of {@code src/test/c/sandbox}, written from the man pages: each runs on the
 * host first, and must pass all its checks there, then in the sandbox, where its output must be
 * the same, line for line.
 */
class ConformanceProgramsTest {
    @TempDir
    Path dir;

    private GuestPrograms.Run runBoth(String name, int checks) throws Exception {
        Path exe = GuestPrograms.compile(name, false);
        String expected = GuestPrograms.runNatively(exe);
        assertTrue(expected.contains("DONE " + checks + " checks, 0 failures"), "natively:\n" + expected);
        GuestPrograms.Run r = GuestPrograms.run(GuestPrograms.rootfs(dir, exe), false, "/bin/" + name);
        assertEquals(expected, r.stdout(), r.describe());
        SandboxProgramsTest.assertAllPass(r, checks);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"reuse, 4", "creds, 26", "memadvise, 24", "statfs, 9", "itimer, 14", "link, 17", "fifo, 15",
        "mmapshared, 36", "shmem, 49", "shmsysv, 26"})
    void programBehavesAsOnTheHost(String name, int checks) throws Exception {
        runBoth(name, checks);
    }

    @Test
    void unameReportsTheContainersHostnameAndRootMayChangeIt() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("uts", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c.withHostname("web-1"), "/bin/uts", "web-1");
        SandboxProgramsTest.assertAllPass(r, 10);
        GuestPrograms.Run unnamed = GuestPrograms.run(root, false, c -> c, "/bin/uts", SandboxConfig.DEFAULT_HOSTNAME);
        SandboxProgramsTest.assertAllPass(unnamed, 10);
    }

    @Test
    void theEnginesFilesAreCopiedInWhereTheBundleBindsThem() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("showfile", false));
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 image-own\n");
        Path hosts = Files.writeString(dir.resolve("hosts"), "10.0.0.5 web-1\n");
        Path extra = Files.writeString(dir.resolve("extra"), "from the host\n");
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c.withFiles(Map.of("/etc/hosts", hosts, "/run/secrets/token", extra)),
                "/bin/showfile", "/etc/hosts", "/run/secrets/token");
        assertEquals("== /etc/hosts\n10.0.0.5 web-1\n== /run/secrets/token\nfrom the host\n", r.stdout(), r.describe());
        assertEquals("127.0.0.1 image-own\n", Files.readString(root.resolve("etc/hosts")), "the image is not changed");
        GuestPrograms.Run missing = GuestPrograms.run(root, false, c -> c.withFiles(Map.of("/etc/hosts", dir.resolve("absent"))),
                "/bin/showfile", "/etc/hosts");
        assertEquals(127, missing.result().exitStatus(), missing.describe());
        assertTrue(missing.result().reason().startsWith("files: cannot read " + dir.resolve("absent") + " for /etc/hosts"), missing.describe());
    }

    @Test
    void freedMemoryIsShotDownOnTheOtherVcpus() throws Exception {
        GuestPrograms.Run r = runBoth("reuse", 4);
        // each round's munmap or mprotect found the reader running on another vCPU, which reloaded CR3
        assertTrue(r.result().tlbShootdowns() >= 16, r.describe() + "\nshootdowns: " + r.result().tlbShootdowns());
    }
}
