package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static dev.kapsel.oci.backend.PodmanWithKapsel.ok;

import dev.kapsel.testing.Guest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real engines drive kapsel with its default backend, which inside the harness (real nested
 * KVM) is the micro-VM: podman through conmon ({@code run --rm}; {@code run -d}, {@code exec},
 * {@code stop}, {@code rm}) and containerd through the runc v2 shim ({@code ctr run --rm
 * --runc-binary}). Needs podman, conmon, containerd and ctr (bin/setup puts them into the harness image).
 */
@Tag("guest")
class EnginesVmGuestTest {
    private static final String KAPSEL = PodmanWithKapsel.KAPSEL;
    static final String PODMAN_IMAGE = "localhost/kapsel-vm-busybox:latest";
    /** Prints the VM's memory size: the container's 256 MiB VM, not the 6 GiB machine it runs on. */
    private static final String MEMORY = "while read k v u; do [ \"$k\" = MemTotal: ] && echo mem=$v; done < /proc/meminfo; true";
    static Path work;
    /** podman with kapsel as its default runtime (L1 has no crun or runc), the harness's engine settings. */
    static PodmanWithKapsel podman;

    /** Imports the busybox image into podman and containerd once per JVM (NetworkGuestTest shares it). */
    @BeforeAll
    static synchronized void images() throws Exception {
        if (work != null) {
            return;
        }
        for (String tool : List.of("podman", "conmon", "containerd", "ctr")) {
            assumeTrue(onPath(tool), tool + " is not installed (bin/setup, then a fresh harness image)");
        }
        // Set up in locals and publish only at the end: a failed import must fail every test that needs the images,
        // not leave the next one to find a work directory without them.
        Path dir = Guest.tempDir();
        PodmanWithKapsel engine = PodmanWithKapsel.configure(dir, List.of(), Map.of());
        Path layout = engine.importBusybox(PODMAN_IMAGE);
        ok(Guest.run(List.of("tar", "-C", layout.toString(), "-cf", dir.resolve("layout.tar").toString(), ".")));
        podman = engine;
        work = dir;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int memoryKiB(String out) {
        return Integer.parseInt(out.lines().filter(l -> l.startsWith("mem=")).findFirst().orElseThrow(() -> new AssertionError(out))
                .substring(4).strip());
    }

    @Test
    void podmanRunRmPrintsAndExitsWithTheContainersStatus() throws Exception {
        Guest.Result r = podman.run("run", "--rm", "--network", "none", PODMAN_IMAGE, "sh", "-c", "echo hi; " + MEMORY + "; exit 7");
        assertEquals(7, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("hi\n"), r.toString());
        assertTrue(memoryKiB(r.stdout()) < 512 * 1024, "ran in the container's VM: " + r);
    }

    @Test
    void podmanDetachedExecStopRm() throws Exception {
        Process run = podman.startDetached("--network", "none", "--name", "kvm1", PODMAN_IMAGE, "sh", "-c", "echo up; sleep 600");
        assertTrue(run.waitFor(Guest.BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), podman.detachedErrors());

        Guest.Result echo = podman.run("exec", "kvm1", "sh", "-c", "echo from-exec; " + MEMORY);
        assertEquals(0, echo.exitCode(), echo.toString());
        assertTrue(echo.stdout().startsWith("from-exec\n"), echo.toString());
        assertTrue(memoryKiB(echo.stdout()) < 512 * 1024, "exec ran in the container's VM: " + echo);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(podman.run("exec", "kvm1", "sh", "-c", "exit 4").exitCode());
        }
        assertEquals(List.of(4, 4, 4), statuses, "exec exit statuses, back to back");

        ok(podman.run("stop", "-t", "20", "kvm1"));
        Guest.Result code = ok(podman.run("inspect", "-f", "{{.State.ExitCode}}", "kvm1"));
        assertEquals("143", code.stdout().strip(), "SIGTERM reached sh in the guest");
        Guest.Result logs = ok(podman.run("logs", "kvm1"));
        assertEquals("up\n", logs.stdout(), logs.toString());
        ok(podman.run("rm", "kvm1"));
    }

    @Test
    void ctrRunWithKapselAsTheRuncBinary() throws Exception {
        Path c = Files.createDirectory(work.resolve("containerd"));
        Files.writeString(c.resolve("config.toml"), """
                version = 2
                root = "%s/root"
                state = "%s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%s/containerd.sock"
                """.formatted(c, c, c));
        Process containerd = new ProcessBuilder("containerd", "--config", c.resolve("config.toml").toString())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(c.resolve("containerd.log").toFile()).start();
        try {
            Path sock = c.resolve("containerd.sock");
            for (int i = 0; i < 600 && !Files.exists(sock); i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(sock), Files.readString(c.resolve("containerd.log")));
            String a = sock.toString();
            ok(Guest.run(List.of("ctr", "-a", a, "images", "import", "--snapshotter", "native", "--base-name", "kapsel-test/busybox",
                    work.resolve("layout.tar").toString())));
            String image = ok(Guest.run(List.of("ctr", "-a", a, "images", "ls", "-q"))).stdout().lines()
                    .filter(l -> l.contains("busybox")).findFirst().orElseThrow(() -> new AssertionError("no image imported"));
            Guest.Result hi = Guest.run(List.of("ctr", "-a", a, "run", "--rm", "--snapshotter", "native", "--runc-binary", KAPSEL,
                    image, "kctr1", "sh", "-c", "echo hi; " + MEMORY + "; exit 3"));
            assertEquals(3, hi.exitCode(), hi + "\n" + Files.readString(c.resolve("containerd.log")));
            assertTrue(hi.stdout().startsWith("hi\n"), hi.toString());
            assertTrue(memoryKiB(hi.stdout()) < 512 * 1024, "ran in the container's VM: " + hi);
        } finally {
            containerd.destroy();
            containerd.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
