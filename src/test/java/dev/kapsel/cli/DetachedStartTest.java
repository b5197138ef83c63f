package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kapsel run -d} when the container cannot start, as separate processes without booting
 * anything: the state directory has no guest kernel, so the re-executed monitor fails, and the
 * parent must report why, exit with the monitor's 125 and leave no container behind.
 */
class DetachedStartTest {
    @TempDir
    Path state;

    @BeforeEach
    void loadImage() throws Exception {
        CliProcesses.loadBusybox(state);
    }

    private Guest.Result kapsel(String... args) throws Exception {
        return CliProcesses.kapsel(state, Map.of(), args);
    }

    @Test
    void aMonitorThatCannotStartIsReportedAndLeavesNoContainer() throws Exception {
        Guest.Result r = kapsel("run", "-d", "--name", "x", BusyboxImage.NAME, "true");
        assertEquals(125, r.exitCode(), r.toString());
        assertEquals("", r.stdout(), "no id for a container that did not start: " + r);
        // The monitor's own reason (no KVM for micro-VMs here, or no cached kernel), then the parent's line.
        assertTrue(r.stderr().matches("(?s)kapsel: .+\nkapsel: container x did not start \\(monitor exit status 125\\)\n"), r.toString());
        Guest.Result ps = kapsel("ps", "-a");
        assertEquals("CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES\n", ps.stdout(), ps.toString());
        try (var dirs = Files.list(state.resolve("containers"))) {
            assertEquals(List.of(state.resolve("containers/lock")), dirs.toList());
        }
    }

    @Test
    void detachRefusesWhatItCannotAttach() throws Exception {
        Guest.Result r = kapsel("run", "-d", "-t", BusyboxImage.NAME, "sh");
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("-d cannot be combined with -i or -t"), r.toString());
    }

    /**
     * {@code run -d} with the sandbox through the same container service and monitor: the id once it
     * runs, its output in the logs, {@code ps} showing it up, {@code stop} ending it with SIGTERM (the
     * sandbox cannot pass signals on, so its monitor runs with -Xrs and the signal ends it), {@code rm}.
     */
    @Test
    void aSandboxContainerRunsDetachedAndStops() throws Exception {
        Guest.Result r = kapsel("run", "-d", "--isolation=sandbox", "--name", "sb", BusyboxImage.NAME, "sh", "-c",
                "echo started; echo oops >&2; exec sleep 1000");
        assertEquals(0, r.exitCode(), r.toString());
        String id = r.stdout().strip();
        assertTrue(id.matches("[0-9a-f]{64}"), r.toString());
        long deadline = System.currentTimeMillis() + 20_000;
        Guest.Result logs;
        do {
            Thread.sleep(100);
            logs = kapsel("logs", "sb");
        } while (!logs.stdout().contains("started") && System.currentTimeMillis() < deadline);
        assertEquals("started\n", logs.stdout(), logs.toString());
        assertEquals("oops\n", logs.stderr(), logs.toString());
        Guest.Result ps = kapsel("ps");
        assertTrue(ps.stdout().contains(" Up ") && ps.stdout().contains("sb"), ps.toString());
        Guest.Result stop = kapsel("stop", "-t", "5", "sb");
        assertEquals(0, stop.exitCode(), stop.toString());
        Guest.Result after = kapsel("ps", "-a");
        assertTrue(after.stdout().contains("Exited (143)"), after.toString());
        assertEquals(0, kapsel("rm", "sb").exitCode());
        try (var dirs = Files.list(state.resolve("containers"))) {
            assertEquals(List.of(state.resolve("containers/lock")), dirs.toList());
        }
    }
}
