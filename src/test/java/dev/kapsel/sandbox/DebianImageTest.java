package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image made of Debian's own dynamically linked binaries (coreutils ls and sort, python3 with
 * its standard library), each copied with the libraries ldd names, runs in the sandbox.
 */
class DebianImageTest {
    @TempDir
    static Path dir;
    static Path root;

    @BeforeAll
    static void image() throws Exception {
        Path python = Path.of("/usr/bin/python3").toRealPath();
        assumeTrue(Files.isExecutable(python), "python3 is not installed");
        String version = python.getFileName().toString();
        root = GuestPrograms.rootfs(dir.resolve("root"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.copy(Path.of("/bin/ls"), root.resolve("bin/ls"));
        Files.copy(Path.of("/usr/bin/sort"), root.resolve("bin/sort"));
        Files.copy(python, root.resolve("usr/bin/python3"));
        Process cp = new ProcessBuilder("cp", "-a", "/usr/lib/" + version, root.resolve("usr/lib").toString()).inheritIO().start();
        assertTrue(cp.waitFor(120, TimeUnit.SECONDS) && cp.exitValue() == 0);
        GuestPrograms.copyLibraries(root, Path.of("/bin/ls"), Path.of("/usr/bin/sort"), python);
        try (var s = Files.list(Path.of("/usr/lib/" + version + "/lib-dynload"))) {
            for (Path so : s.toList()) {
                GuestPrograms.copyLibraries(root, so);
            }
        }
    }

    @Test
    void lsListsTheRoot() throws Exception {
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/ls", "-l", "/");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertTrue(r.stdout().startsWith("total "), r.describe());
        assertTrue(r.stdout().lines().anyMatch(l -> l.startsWith("d") && l.endsWith(" usr")), r.describe());
        assertTrue(r.stdout().lines().anyMatch(l -> l.startsWith("dr-xr-xr-x") && l.endsWith(" proc")), r.describe());
    }

    @Test
    void pythonImportsJsonThreadingSubprocess() throws Exception {
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/usr/bin/python3", "-c",
                "import json,threading,subprocess; print(json.dumps([1,2]))");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("[1, 2]\n", r.stdout(), r.describe());
    }

    @Test
    void pythonRunsThreadsAPipedChildAndASignalHandler() throws Exception {
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/usr/bin/python3", "-c", """
                import subprocess, threading, signal, os
                print(subprocess.run(["/bin/sort"], input=b"b\\na\\n", capture_output=True).stdout.decode().split())
                out = []
                ts = [threading.Thread(target=lambda i=i: out.append(sum(range(i * 1000)))) for i in range(4)]
                [t.start() for t in ts]; [t.join() for t in ts]
                print(sorted(out))
                signal.signal(signal.SIGUSR1, lambda s, f: print("handler", s))
                os.kill(os.getpid(), signal.SIGUSR1)
                """);
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("['a', 'b']\n[0, 499500, 1999000, 4498500]\nhandler 10\n", r.stdout(), r.describe());
    }
}
