package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's static busybox in a tiny root file system: a shell that runs builtins and NOFORK applets in-process. */
class BusyboxSandboxTest {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path dir;

    static Path busyboxRoot(Path dir) throws IOException {
        Path root = GuestPrograms.rootfs(dir);
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        for (String applet : List.of("sh", "ls", "cat", "echo", "true", "false", "pwd", "env", "uname", "mkdir", "rm", "tr", "sort", "head",
                "sleep", "kill", "dd", "wc", "seq")) {
            Files.createSymbolicLink(root.resolve("bin/" + applet), Path.of("busybox"));
        }
        Files.createDirectories(root.resolve("root"));
        return root;
    }

    /**
     * Debian's busybox sh forks for every applet (ls, cat), and fork is part 2, so the shell runs
     * builtins and redirections in-process and ends with {@code exec} of one applet.
     */
    @Test
    void shellRunsBuiltinsRedirectionsAndExecsAnApplet() throws Exception {
        assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed");
        Path root = busyboxRoot(dir);
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/busybox", "sh", "-c",
                "echo hi; echo x > /tmp/f; read v < /tmp/f; echo \"got $v\"; cd /etc; pwd; exec ls /");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("hi\ngot x\n/etc\nbin\ndev\netc\nproc\nroot\ntmp\n", r.stdout(), r.describe());
    }

    @Test
    void execOfCatShowsAnImageFile() throws Exception {
        assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed");
        Path root = busyboxRoot(dir);
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/sh", "-c", "exec cat /etc/passwd");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("root:x:0:0:root:/root:/bin/sh\n", r.stdout(), r.describe());
    }

    /** The issue's command line: busybox sh forks for ls and cat; the child runs to its end, then the shell goes on. */
    @Test
    void theIssuesCommandLineRunsWithSequentialFork() throws Exception {
        assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed");
        Path root = busyboxRoot(dir);
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/busybox", "sh", "-c",
                "echo hi; ls /; cat /etc/passwd; echo x > /tmp/f; cat /tmp/f");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("hi\nbin\ndev\netc\nproc\nroot\ntmp\nroot:x:0:0:root:/root:/bin/sh\nx\n", r.stdout(), r.describe());
        assertTrue(r.result().unimplemented().isEmpty(), r.describe());
    }

    @Test
    void theShellSeesItsChildrensExitStatusAndPids() throws Exception {
        assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed");
        Path root = busyboxRoot(dir);
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/sh", "-c",
                "ls /nonexistent 2>/dev/null; echo \"ls: $?\"; false; echo \"false: $?\"; sh -c 'echo $$ $PPID'; echo $$");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("ls: 1\nfalse: 1\n3 1\n1\n", r.stdout(), r.describe());
    }

    @Test
    void pipelineOfFourProcessesPrintsC() throws Exception {
        assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed");
        Path root = busyboxRoot(dir);
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/sh", "-c", "echo a b c | tr \" \" \"\\n\" | sort -r | head -1");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("c\n", r.stdout(), r.describe());
    }

    @Test
    void backgroundSleepIsKilledAndWaitedFor() throws Exception {
        assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed");
        Path root = busyboxRoot(dir);
        long t0 = System.nanoTime();
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/sh", "-c", "sleep 10 & kill %1; wait; sleep 10 & kill $!; wait $!; echo \"status $?\"");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("status 143\n", r.stdout(), r.describe());
        assertTrue(ms < 5000, "took " + ms + " ms");
    }

    @Test
    void bigPipelineMovesAllBytes() throws Exception {
        assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed");
        Path root = busyboxRoot(dir);
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/sh", "-c", "dd if=/dev/zero bs=64k count=64 2>/dev/null | wc -c");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("4194304", r.stdout().strip(), r.describe());
    }
}
