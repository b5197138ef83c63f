package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.ImageArchives;
import dev.kapsel.image.layer.TarBuilder;
import dev.kapsel.oci.console.Pty;
import dev.kapsel.sys.Libc;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Detached containers through {@code bin/kapsel} (run -d, ps, logs, stop, rm) with micro-VM isolation,
 * plus two proofs of the attached {@code run}: a terminal with {@code -t}, and a multi-layer image
 * whose whiteouts and opaque directory hold inside the guest. One boot per test.
 */
@Tag("guest")
class DetachedContainersGuestTest {
    static final String LAYERED = "kapsel-test/layered:latest";
    private static Path state;

    @BeforeAll
    static void loadImages() throws Exception {
        state = Files.createTempDirectory("kapsel-detached-state-");
        Files.createSymbolicLink(state.resolve("kernels"), StateDirectory.resolve().resolve("kernels"));
        ImageStore store = ImageStore.open(state.resolve("images"));
        store.load(BusyboxImage.writeLayout(Files.createDirectory(state.resolve("layout"))), null);
        byte[] lower = new TarBuilder().dir("etc", 0755).file("etc/gone", "x").dir("app", 0755).file("app/old", "o").build();
        byte[] upper = new TarBuilder().file("etc/.wh.gone", "").file("app/.wh..wh..opq", "").file("app/new", "n").build();
        store.load(ImageArchives.layout(state.resolve("layered"), LAYERED, UnaryOperator.identity(), BusyboxImage.layerTar(),
                lower, upper), null);
    }

    private static Guest.Result kapsel(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString()));
    }

    /** The {@code ps} line of container {@code name}, or null. */
    private static String psLine(String output, String name) {
        return output.lines().filter(l -> l.endsWith("   " + name)).findFirst().orElse(null);
    }

    @Test
    void detachedContainerRunsIsListedLogsStopsAndIsRemoved() throws Exception {
        long t0 = System.nanoTime();
        Guest.Result run = kapsel("run", "-d", "--name", "x", BusyboxImage.NAME,
                "sh", "-c", "echo started; echo to-stderr >&2; exec sleep 1000");
        long startMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("run -d returned after " + startMillis + " ms");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().matches("[0-9a-f]{64}\n"), run.toString());
        String id = run.stdout().strip();
        Path dir = state.resolve("containers").resolve(id);
        // For the record: how much of the parent's wait was the monitor's own boot (created -> started).
        var record = new dev.kapsel.container.detached.ContainerRegistry(state.resolve("containers"), java.time.Clock.systemUTC()).load(id);
        System.out.println("monitor: created -> started " + java.time.Duration.between(java.time.Instant.parse(record.created()),
                java.time.Instant.parse(record.started())).toMillis() + " ms");

        Guest.Result taken = kapsel("run", "-d", "--name", "x", BusyboxImage.NAME, "true");
        assertEquals(125, taken.exitCode(), taken.toString());
        assertTrue(taken.stderr().contains("'x' is already in use by container " + id.substring(0, 12)), taken.toString());

        Guest.Result ps = kapsel("ps");
        String line = psLine(ps.stdout(), "x");
        assertTrue(line != null && line.startsWith(id.substring(0, 12)) && line.contains("   Up "), ps.toString());

        // The guest writes asynchronously: wait (bounded) for the output to reach the log.
        Guest.Result logs = kapsel("logs", "x");
        for (int i = 0; i < 20 && !(logs.stdout().contains("started") && logs.stderr().contains("to-stderr")); i++) {
            Thread.sleep(500);
            logs = kapsel("logs", id.substring(0, 6));
        }
        assertEquals(0, logs.exitCode(), logs.toString());
        assertEquals("started\n", logs.stdout(), logs.toString());
        assertEquals("to-stderr\n", logs.stderr(), logs.toString());

        // logs -f follows until the container ends, which the stop below brings about.
        java.util.concurrent.CompletableFuture<Guest.Result> follow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return kapsel("logs", "-f", "x");
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        long stopStart = System.nanoTime();
        Guest.Result stop = kapsel("stop", "-t", "5", "x");
        System.out.println("stop -t 5 took " + (System.nanoTime() - stopStart) / 1_000_000 + " ms");
        assertEquals(0, stop.exitCode(), stop.toString());
        assertEquals("x\n", stop.stdout(), stop.toString());

        Guest.Result followed = follow.get(Guest.BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(0, followed.exitCode(), followed.toString());
        assertEquals("started\n", followed.stdout(), followed.toString());

        Guest.Result psAll = kapsel("ps", "-a");
        // 143 = 128 + SIGTERM: the forwarded SIGTERM ended sleep inside the grace period (137 would mean SIGKILL).
        String exited = psLine(psAll.stdout(), "x");
        assertTrue(exited != null && exited.contains("Exited (143)"), psAll.toString());
        assertTrue(psLine(kapsel("ps").stdout(), "x") == null, "ps without -a lists running containers only");

        Guest.Result rm = kapsel("rm", "x");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertTrue(psLine(kapsel("ps", "-a").stdout(), "x") == null);
        assertFalse(Files.exists(dir));
        Guest.Result gone = kapsel("logs", "x");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertTrue(gone.stderr().contains("no such container: x"), gone.toString());

        // --rm: a container that ends at once is removed by its monitor; run -d still reports it started.
        Guest.Result once = kapsel("run", "-d", "--rm", "--name", "once", BusyboxImage.NAME, "true");
        assertEquals(0, once.exitCode(), once.toString());
        assertTrue(once.stdout().matches("[0-9a-f]{64}\n"), once.toString());
        Path onceDir = state.resolve("containers").resolve(once.stdout().strip());
        for (int i = 0; i < 120 && Files.exists(onceDir); i++) {
            Thread.sleep(500);
        }
        assertFalse(Files.exists(onceDir), "removed when it ended");
        assertTrue(psLine(kapsel("ps", "-a").stdout(), "once") == null);
    }

    @Test
    void dashTGivesTheContainerATerminal() throws Exception {
        try (Pty pty = Pty.open()) {
            File slave = new File(pty.slavePath());
            ProcessBuilder pb = new ProcessBuilder(Guest.REPO.resolve("bin/kapsel").toString(), "run", "-t", BusyboxImage.NAME,
                    "sh", "-c", "tty; test -t 0 && echo TTY")
                    .redirectInput(ProcessBuilder.Redirect.from(slave))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(slave))
                    .redirectError(ProcessBuilder.Redirect.appendTo(slave));
            pb.environment().put("KAPSEL_STATE_DIR", state.toString());
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(4096);
                    while (true) {
                        long n = Libc.read(pty.master(), buf, buf.byteSize());
                        if (n <= 0) {
                            return;
                        }
                        synchronized (seen) {
                            seen.write(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), 0, (int) n);
                        }
                    }
                } catch (RuntimeException eio) {
                    // EIO: every slave descriptor is closed
                }
            });
            Process p = pb.start();
            assertTrue(p.waitFor(Guest.BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS), "kapsel run -t did not end");
            reader.join(5000);
            String out;
            synchronized (seen) {
                out = seen.toString(StandardCharsets.UTF_8);
            }
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.matches("(?s).*/dev/pts/[0-9]+\\s.*"), out);
            assertTrue(out.contains("TTY"), out);
        }
    }

    @Test
    void upperLayerWhiteoutsHoldInTheContainer() throws Exception {
        Guest.Result r = kapsel("run", "-u", "0", "-w", "/", LAYERED, "-c",
                "test ! -e /etc/gone && echo gone-absent; test ! -e /app/old && echo old-hidden; ls /app; cat /etc/passwd >/dev/null && echo base-kept");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("gone-absent\nold-hidden\nnew\nbase-kept\n", r.stdout(), r.toString());
    }
}
