package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox monitor started by the CLI ({@code kapsel run -d}) runs confined once its guest runs:
 * {@code Seccomp: 2} and {@code NoNewPrivs: 1} in its /proc/PID/status; with {@code --no-seccomp} it
 * is not. A foreground {@code kapsel run}, whose own process is the monitor, finishes its container
 * under the filter with the default action (kill).
 */
class MonitorConfinementTest {
    @TempDir
    Path state;

    @BeforeEach
    void loadImage() throws Exception {
        CliProcesses.loadBusybox(state);
    }

    private Guest.Result kapsel(String... args) throws Exception {
        // the default, whatever the environment running the tests says
        return CliProcesses.kapsel(state, Map.of("KAPSEL_SECCOMP", ""), args);
    }

    /** The monitor's /proc/PID/status once the container's program has printed, then the container removed. */
    private String monitorStatus(String... runOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--isolation=sandbox"));
        args.addAll(List.of(runOptions));
        args.addAll(List.of(BusyboxImage.NAME, "sh", "-c", "echo started; exec sleep 1000"));
        Guest.Result r = kapsel(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        String id = r.stdout().strip();
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            Guest.Result logs;
            do {
                Thread.sleep(100);
                logs = kapsel("logs", id);
            } while (!logs.stdout().contains("started") && System.currentTimeMillis() < deadline);
            assertEquals("started\n", logs.stdout(), logs.toString());
            long pid = new ContainerRegistry(state.resolve("containers"), Clock.systemUTC()).load(id).monitorPid();
            return Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        } finally {
            kapsel("rm", "-f", id);
        }
    }

    @Test
    void aDetachedSandboxMonitorRunsUnderTheFilterWithNoNewPrivs() throws Exception {
        String status = monitorStatus();
        assertTrue(status.contains("\nSeccomp:\t2\n"), status);
        assertTrue(status.contains("\nNoNewPrivs:\t1\n"), status);
        assertTrue(status.contains("\nSeccomp_filters:\t1\n"), status);
    }

    @Test
    void withNoSeccompTheMonitorIsNotFiltered() throws Exception {
        String status = monitorStatus("--no-seccomp");
        assertTrue(status.contains("\nSeccomp:\t0\n"), status);
        assertTrue(status.contains("\nNoNewPrivs:\t0\n"), status);
    }

    @Test
    void aForegroundRunFinishesUnderTheFilter() throws Exception {
        Guest.Result r = kapsel("run", "--isolation=sandbox", BusyboxImage.NAME, "sh", "-c",
                "echo hi > /tmp/x && cat /tmp/x && ls /proc/self/ > /dev/null && grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; exit 3");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("hi\n"), r.toString());
    }
}
