package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.Guest;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Boots the stock Debian cloud kernel with kapsel's VMM through {@code bin/kapsel vm run}. These need
 * a KVM that runs guest kernels at hardware speed: bin/test runs them directly there and inside the
 * nested harness elsewhere.
 */
@Tag("guest")
class MicroVmBootGuestTest {
    private static final String MARKER = "KAPSEL-GUEST-INIT";
    private static final String REPORT = """
            mount -t proc proc /proc
            echo %s
            echo "cpus: $(grep -c ^processor /proc/cpuinfo)"
            echo "cmdline: $(cat /proc/cmdline)"
            """.formatted(MARKER);
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off quiet kapsel.test=token42";

    private static Path poweroff;

    @BeforeAll
    static void initramfs() throws Exception {
        poweroff = Guest.busyboxInitramfs(Guest.tempDir(), REPORT + "poweroff -f\n");
    }

    private static void assertBootedAndPoweredOff(Guest.Result r, int cpus) {
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains(MARKER), r.toString());
        assertTrue(r.stdout().contains("cpus: " + cpus + "\n") || r.stdout().contains("cpus: " + cpus + "\r"), r.toString());
        assertTrue(r.stdout().contains("kapsel.test=token42"), r.toString());
    }

    @Test
    void bzImageBootsToInitAndPowersOff() throws Exception {
        Guest.Result r = Guest.kapsel("vm", "run", "--kernel", Guest.bzImage().toString(),
                "--initrd", poweroff.toString(), "--cmdline", CMDLINE);
        assertBootedAndPoweredOff(r, 1);
    }

    @Test
    void vmlinuxBootsWithTwoCpus() throws Exception {
        Guest.Result r = Guest.kapsel("vm", "run", "--kernel", Guest.vmlinux().toString(), "--cpus", "2",
                "--initrd", poweroff.toString(), "--cmdline", CMDLINE);
        assertBootedAndPoweredOff(r, 2);
    }

    @Test
    void aRebootingGuestEndsTheVmWithTheRebootCode() throws Exception {
        Path initrd = Guest.busyboxInitramfs(Guest.tempDir(), REPORT + "reboot -f\n");
        Guest.Result r = Guest.kapsel("vm", "run", "--kernel", Guest.vmlinux().toString(),
                "--initrd", initrd.toString(), "--cmdline", CMDLINE);
        assertTrue(r.stdout().contains(MARKER), r.toString());
        assertEquals(80, r.exitCode(), r.toString()); // kapsel vm run's code for RESET (cli.VmLauncher.exitCode)
    }

    @Test
    void aPanickingGuestIsReportedAsAPanic() throws Exception {
        // init exits: the kernel panics ("Attempted to kill init") and, with panic=-1, resets at once.
        Path initrd = Guest.busyboxInitramfs(Guest.tempDir(), REPORT + "exit 1\n");
        Guest.Result r = Guest.kapsel("vm", "run", "--kernel", Guest.vmlinux().toString(),
                "--initrd", initrd.toString(), "--cmdline", CMDLINE);
        assertEquals(81, r.exitCode(), r.toString()); // PANIC's code
        assertTrue(r.stderr().contains("panic"), r.toString());
    }
}
