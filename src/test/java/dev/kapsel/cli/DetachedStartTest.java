package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        ImageStore.open(state.resolve("images")).load(BusyboxImage.writeLayout(Files.createDirectory(state.resolve("layout"))), null);
    }

    private Guest.Result kapsel(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", ImageStoreProcessesTest.classPath(),
                "-Dkapsel.state.dir=" + state, Main.class.getName()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd);
    }

    @Test
    void aMonitorThatCannotStartIsReportedAndLeavesNoContainer() throws Exception {
        Guest.Result r = kapsel("run", "-d", "--name", "x", BusyboxImage.NAME, "true");
        assertEquals(125, r.exitCode(), r.toString());
        assertEquals("", r.stdout(), "no id for a container that did not start: " + r);
        // The monitor's own reason (no KVM for micro-VMs here, or no cached kernel), then the parent's line.
        assertTrue(r.stderr().matches("(?s)kapsel: .+\nkapsel: container x did not start \\(monitor exit status 125\\)\n"), r.toString());
        Guest.Result ps = kapsel("ps", "-a");
        assertEquals("CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   NAMES\n", ps.stdout(), ps.toString());
        try (var dirs = Files.list(state.resolve("containers"))) {
            assertEquals(List.of(state.resolve("containers/lock")), dirs.toList());
        }
    }

    @Test
    void detachRefusesWhatItCannotAttach() throws Exception {
        Guest.Result r = kapsel("run", "-d", "-t", BusyboxImage.NAME, "sh");
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("-d cannot be combined with -i or -t"), r.toString());
        Guest.Result sandbox = kapsel("run", "-d", "--isolation=sandbox", BusyboxImage.NAME, "true");
        assertEquals(125, sandbox.exitCode(), sandbox.toString());
    }
}
