package dev.kapsel.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.Guest;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Boots the stock Debian cloud kernel with the guest initramfs through {@code bin/kapsel vm run}. */
@Tag("guest")
class InitramfsBootGuestTest {
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off quiet";
    private static final String SCRIPT = """
            echo MODULES-BEGIN
            cut -d' ' -f1 /proc/modules
            echo MODULES-END
            exit 3
            """;

    private static Path image;

    @BeforeAll
    static void build() throws Exception {
        KernelModules kernel = KernelModules.load(DebianKernelModulesTest.moduleTree());
        image = GuestInitramfs.forKernel(kernel).features(EnumSet.allOf(GuestFeature.class)).script(SCRIPT).build()
                .cachedIn(Guest.tempDir());
    }

    @Test
    void scriptModeLoadsTheModulesRunsTheScriptAndPowersOff() throws Exception {
        Guest.Result r = Guest.kapsel("vm", "run", "--kernel", Guest.bzImage().toString(),
                "--initrd", image.toString(), "--cmdline", CMDLINE);
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.stdout().replace("\r", "");
        int begin = out.indexOf("MODULES-BEGIN\n");
        int end = out.indexOf("MODULES-END");
        assertTrue(begin >= 0 && end > begin, r.toString());
        String loaded = "\n" + out.substring(begin, end);
        for (String m : new String[] {"virtio_mmio", "virtio_blk", "virtio_net", "vmw_vsock_virtio_transport",
                "virtio_rng", "virtio_console", "overlay", "virtio_ring"}) {
            assertTrue(loaded.contains("\n" + m + "\n"), m + " not loaded:" + loaded);
        }
        assertTrue(out.contains("kapsel-init: /kapsel/script exited with status 3"), r.toString());
        assertFalse(out.contains("kapsel-init: error"), r.toString());
    }

    @Test
    void aMissingRootDeviceIsReportedAndPowersOffInsteadOfPanicking() throws Exception {
        Guest.Result r = Guest.kapsel("vm", "run", "--kernel", Guest.bzImage().toString(), "--initrd", image.toString(),
                "--cmdline", CMDLINE + " kapsel.root=/dev/vdz kapsel.rootwait=1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("kapsel-init: error: root device /dev/vdz not found after 1 s"), r.toString());
        assertTrue(r.stdout().contains("kapsel-init: powering off"), r.toString());
    }
}
