package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.kapsel.oci.backend.PodmanWithKapsel.ok;

import dev.kapsel.testing.Guest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * podman drives kapsel (as {@code --runtime bin/kapsel}) with the sandbox isolation on this host, no
 * guest kernel needed: {@code run --rm} with the container's output and status, and {@code run -d},
 * {@code exec}, {@code stop}, {@code logs}, {@code rm}, all through the container service and the one
 * monitor. podman's storage is the test's own.
 */
class EnginesSandboxTest {
    private static final String IMAGE = "localhost/kapsel-sandbox-busybox:latest";
    private static final String SANDBOX = "dev.kapsel.isolation=sandbox";
    @TempDir
    static Path work;
    private static PodmanWithKapsel podman;

    @BeforeAll
    static void image() throws Exception {
        podman = PodmanWithKapsel.sandboxOnHost(work, IMAGE);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (podman != null) {
            podman.run("rm", "-f", "-a");
        }
    }

    @Test
    void runRmPrintsAndExitsWithTheContainersStatus() throws Exception {
        Guest.Result r = podman.run("run", "--rm", "--network", "none", "--annotation", SANDBOX, IMAGE, "sh", "-c", "echo hi; exit 7");
        assertEquals(7, r.exitCode(), r.toString());
        assertEquals("hi\n", r.stdout(), r.toString());
    }

    @Test
    void detachedExecStopLogsRm() throws Exception {
        Process run = podman.startDetached("--network", "none", "--annotation", SANDBOX, "--name", "sb1", IMAGE, "sh", "-c",
                "echo up; sleep 600");
        assertTrue(run.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), podman.detachedErrors());
        Guest.Result exec = podman.run("exec", "sb1", "sh", "-c", "echo from-exec; exit 4");
        assertEquals(4, exec.exitCode(), exec.toString());
        assertEquals("from-exec\n", exec.stdout(), exec.toString());
        ok(podman.run("stop", "-t", "10", "sb1"));
        Guest.Result code = ok(podman.run("inspect", "-f", "{{.State.ExitCode}}", "sb1"));
        assertEquals("143", code.stdout().strip(), "SIGTERM ended the sandbox's monitor (it runs with -Xrs)");
        Guest.Result logs = ok(podman.run("logs", "sb1"));
        assertEquals("up\n", logs.stdout(), logs.toString());
        ok(podman.run("rm", "sb1"));
    }
}
