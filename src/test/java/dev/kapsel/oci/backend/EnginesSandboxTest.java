package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private static final String KAPSEL = Guest.REPO.resolve("bin/kapsel").toString();
    private static final String IMAGE = "localhost/kapsel-sandbox-busybox:latest";
    private static final String SANDBOX = "dev.kapsel.isolation=sandbox";
    @TempDir
    static Path work;
    private static Map<String, String> env;

    @BeforeAll
    static void image() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")) && Files.isExecutable(Path.of("/usr/bin/conmon")),
                "needs podman and conmon");
        assumeTrue(Files.isReadable(Path.of("/dev/kvm")), "the sandbox needs /dev/kvm");
        Path conf = Files.writeString(work.resolve("containers.conf"), """
                [engine]
                runtime = "kapsel"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                [engine.runtimes]
                kapsel = ["%s"]
                """.formatted(KAPSEL));
        env = Map.of("CONTAINERS_CONF", conf.toString(), "KAPSEL_STATE_DIR", work.resolve("state").toString());
        ImageStore store = ImageStore.open(work.resolve("images"));
        store.load(BusyboxImage.writeLayout(Files.createDirectory(work.resolve("layout"))), null);
        Path rootfs = store.unpackedRoot(BusyboxImage.NAME);
        ok(Guest.run(List.of("tar", "-C", rootfs.toString(), "-cf", work.resolve("rootfs.tar").toString(), ".")));
        ok(podman("import", "--change", "CMD [\"sh\"]", work.resolve("rootfs.tar").toString(), IMAGE));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (env != null) {
            podman("rm", "-f", "-a");
        }
    }

    private static Guest.Result ok(Guest.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    private static List<String> podmanCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", work.resolve("podman/root").toString(), "--runroot",
                work.resolve("podman/run").toString(), "--storage-driver", "vfs", "--runtime", KAPSEL));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Guest.Result podman(String... args) throws IOException, InterruptedException {
        return Guest.run(podmanCommand(args), env);
    }

    @Test
    void runRmPrintsAndExitsWithTheContainersStatus() throws Exception {
        Guest.Result r = podman("run", "--rm", "--network", "none", "--annotation", SANDBOX, IMAGE, "sh", "-c", "echo hi; exit 7");
        assertEquals(7, r.exitCode(), r.toString());
        assertEquals("hi\n", r.stdout(), r.toString());
    }

    @Test
    void detachedExecStopLogsRm() throws Exception {
        ProcessBuilder runD = new ProcessBuilder(podmanCommand("run", "-d", "--network", "none", "--annotation", SANDBOX,
                "--name", "sb1", IMAGE, "sh", "-c", "echo up; sleep 600"));
        runD.environment().putAll(env);
        Process run = runD.redirectInput(new File("/dev/null")).redirectOutput(work.resolve("run-d.out").toFile())
                .redirectError(work.resolve("run-d.err").toFile()).start();
        assertTrue(run.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), Files.readString(work.resolve("run-d.err")));
        Guest.Result exec = podman("exec", "sb1", "sh", "-c", "echo from-exec; exit 4");
        assertEquals(4, exec.exitCode(), exec.toString());
        assertEquals("from-exec\n", exec.stdout(), exec.toString());
        ok(podman("stop", "-t", "10", "sb1"));
        Guest.Result code = ok(podman("inspect", "-f", "{{.State.ExitCode}}", "sb1"));
        assertEquals("143", code.stdout().strip(), "SIGTERM ended the sandbox's monitor (it runs with -Xrs)");
        Guest.Result logs = ok(podman("logs", "sb1"));
        assertEquals("up\n", logs.stdout(), logs.toString());
        ok(podman("rm", "sb1"));
    }
}
