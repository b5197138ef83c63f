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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kapsel run --isolation=sandbox} end to end on this host: image store, Docker rules, stdio, exit codes. */
class RunSandboxTest {
    @TempDir
    static Path state;

    @BeforeAll
    static void loadImage() throws Exception {
        ImageStore.open(state.resolve("images")).load(BusyboxImage.writeLayout(Files.createDirectory(state.resolve("layout"))), null);
    }

    static Guest.Result kapsel(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString(), "run", "--isolation=sandbox"));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, java.util.Map.of("KAPSEL_STATE_DIR", state.toString()));
    }

    @Test
    void stdoutStderrAndTheExitCodeAreTheContainers() throws Exception {
        Guest.Result r = kapsel(BusyboxImage.NAME, "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("out\n", r.stdout(), r.toString());
        assertTrue(r.stderr().contains("err\n"), r.toString());
    }

    @Test
    void imageConfigAndFlagsSetEnvAndWorkdir() throws Exception {
        Guest.Result r = kapsel("-e", "FLAG_VAR=from-flag", "-w", "/tmp", BusyboxImage.NAME, "sh", "-c", "env; pwd");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("IMAGE_VAR=from-image"), r.toString());
        assertTrue(r.stdout().contains("FLAG_VAR=from-flag"), r.toString());
        assertTrue(r.stdout().endsWith("/tmp\n"), r.toString());
        Guest.Result defaults = kapsel(BusyboxImage.NAME, "pwd");
        assertEquals("/srv\n", defaults.stdout(), defaults.toString());
    }

    @Test
    void anUnknownImageIsTheRuntimesOwnCode() throws Exception {
        Guest.Result r = kapsel("no/such:image", "true");
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("no image named"), r.toString());
    }
}
