package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code kapsel run} with micro-VM isolation: each case boots the stock kernel with the container
 * initramfs, the image as a read-only disk under an overlay, and the guest agent over vsock.
 */
@Tag("guest")
class MicroVmContainerTest {
    private static Path state;

    @BeforeAll
    static void loadImage() throws Exception {
        state = Files.createTempDirectory("kapsel-run-state-");
        // The kernel cache is the machine's; images and initramfs caches are this test's own.
        Files.createSymbolicLink(state.resolve("kernels"), StateDirectory.resolve().resolve("kernels"));
        ImageStore.open(state.resolve("images")).load(BusyboxImage.writeLayout(Files.createDirectory(state.resolve("layout"))), null);
    }

    private static Guest.Result run(byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString(), "run"));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString()), stdin);
    }

    @Test
    void stdoutStderrAndExitCodeComeFromTheContainer() throws Exception {
        Guest.Result r = run(null, BusyboxImage.NAME, "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("out\n", r.stdout(), r.toString());
        assertTrue(r.stderr().contains("err\n"), r.toString());
    }

    @Test
    void stdinIsForwardedWithDashI() throws Exception {
        Guest.Result r = run("hello\n".getBytes(StandardCharsets.UTF_8), "-i", BusyboxImage.NAME, "cat");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("hello\n", r.stdout(), r.toString());
    }

    @Test
    void envWorkdirAndUserComeFromImageAndFlags() throws Exception {
        Guest.Result r = run(null, "-e", "FLAG_VAR=from-flag", "-w", "/tmp", "-u", "app", BusyboxImage.NAME,
                "sh", "-c", "env; pwd; id");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("IMAGE_VAR=from-image"), r.toString());
        assertTrue(r.stdout().contains("FLAG_VAR=from-flag"), r.toString());
        assertTrue(r.stdout().contains("\n/tmp\n"), r.toString());
        assertTrue(r.stdout().contains("uid=1000"), r.toString());
        assertTrue(r.stdout().contains("50(staff)") || r.stdout().contains("groups=1000"), r.toString());
    }

    @Test
    void writesInOneContainerAreGoneInTheNext() throws Exception {
        Guest.Result first = run(null, BusyboxImage.NAME, "sh", "-c", "echo x > /srv/written && cat /srv/hello.txt");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("hello from the image\n", first.stdout(), first.toString());
        Guest.Result second = run(null, BusyboxImage.NAME, "sh", "-c", "test -e /srv/written && echo present || echo absent");
        assertEquals("absent\n", second.stdout(), second.toString());
    }
}
