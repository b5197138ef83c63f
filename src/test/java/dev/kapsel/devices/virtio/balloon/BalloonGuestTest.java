package dev.kapsel.devices.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.initramfs.GuestFeature;
import dev.kapsel.initramfs.GuestInitramfs;
import dev.kapsel.initramfs.KernelModules;
import dev.kapsel.testing.Guest;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The stock kernel's virtio_balloon driver finds kapsel's balloon through the DSDT and inflates it
 * to the target set with {@code --balloon}: the guest's MemTotal is smaller by exactly the target
 * than in the same VM with an empty balloon.
 */
@Tag("guest")
class BalloonGuestTest {
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off quiet";
    /** Waits until MemTotal has not changed for 2 s (the driver inflates from a work queue), then prints it. */
    private static final String SCRIPT = """
            echo "balloon-bound: $(ls /sys/bus/virtio/drivers/virtio_balloon | grep -c virtio)"
            prev=0; same=0; i=0
            while [ $i -lt 120 ]; do
              cur=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
              if [ "$cur" = "$prev" ]; then same=$((same+1)); [ $same -ge 4 ] && break; else same=0; fi
              prev=$cur; i=$((i+1)); sleep 0.5
            done
            echo "memtotal-kb: $cur"
            """;

    private static long memTotalKb(Path initrd, String balloon) throws Exception {
        Guest.Result r = Guest.kapsel("vm", "run", "--kernel", Guest.vmlinux().toString(), "--initrd", initrd.toString(),
                "--cmdline", CMDLINE, "--memory", "256", "--balloon", balloon);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("balloon-bound: 1"), r.toString());
        Matcher m = Pattern.compile("memtotal-kb: (\\d+)").matcher(r.stdout());
        assertTrue(m.find(), r.toString());
        return Long.parseLong(m.group(1));
    }

    @Test
    void theGuestGivesTheTargetBackAndItLeavesMemTotal() throws Exception {
        KernelModules kernel = KernelModules.load(Guest.kernels().defaultModules().orElseThrow());
        Path initrd = GuestInitramfs.forKernel(kernel).feature(GuestFeature.BALLOON).script(SCRIPT).build()
                .cachedIn(Guest.tempDir());
        long empty = memTotalKb(initrd, "0");
        long inflated = memTotalKb(initrd, "96");
        long given = empty - inflated;
        System.out.println("BalloonGuestTest: MemTotal " + empty + " kB with an empty balloon, " + inflated + " kB with 96 MiB");
        assertTrue(Math.abs(given - 96 * 1024) <= 1024, "MemTotal with an empty balloon " + empty + " kB, with a 96 MiB one "
                + inflated + " kB: " + given + " kB given back");
    }
}
