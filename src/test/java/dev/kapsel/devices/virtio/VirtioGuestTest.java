package dev.kapsel.devices.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.initramfs.BusyboxInitramfs;
import dev.kapsel.initramfs.Initramfs;
import dev.kapsel.testing.Guest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The stock Debian cloud kernel finds kapsel's virtio-mmio devices through the DSDT, binds its own
 * virtio_mmio, virtio_blk and virtio-rng modules (loaded by a test initramfs), and uses them: reads
 * /dev/hwrng, mounts an ext4 image, writes a file the host then finds in the image, and sees a
 * read-only attachment as read-only.
 */
@Tag("guest")
class VirtioGuestTest {
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off quiet";
    /** Dependency order, from modules.dep: virtio_ring, virtio, then the transport and the drivers. */
    private static final List<String> MODULES = List.of(
            "drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko",
            "drivers/block/virtio_blk.ko", "drivers/char/hw_random/virtio-rng.ko");
    private static final String KNOWN = "kapsel virtio-blk known file\n".repeat(200);

    private static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Guest.tempDir();
    }

    private static Path initramfs(String name, String script) throws Exception {
        Path modules = Guest.kernels().defaultModules().orElseThrow().resolve("kernel");
        StringBuilder init = new StringBuilder("""
                mount -t proc proc /proc
                mount -t sysfs sys /sys
                mount -t devtmpfs dev /dev
                """);
        Initramfs image = null;
        for (String m : MODULES) {
            String file = Path.of(m).getFileName().toString();
            init.append("insmod /modules/").append(file).append(" || echo INSMOD-FAILED ").append(file).append('\n');
        }
        init.append("for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/vda ] || [ -e /dev/hwrng ] && break; sleep 0.2; done\n");
        init.append(script).append("poweroff -f\n");
        image = BusyboxInitramfs.withInit(init.toString());
        for (String m : MODULES) {
            image.copy(modules.resolve(m), "modules/" + Path.of(m).getFileName(), 0644);
        }
        Path out = dir.resolve(name + ".cpio.gz");
        image.writeTo(out);
        return out;
    }

    private static Path ext4Image(String name) throws Exception {
        Path content = Files.createDirectory(dir.resolve(name + "-content"));
        Files.writeString(content.resolve("known.txt"), KNOWN);
        Path img = dir.resolve(name + ".ext4");
        Guest.Result r = Guest.run(List.of(sbin("mkfs.ext4"), "-q", "-F", "-d", content.toString(), img.toString(), "16M"));
        assertEquals(0, r.exitCode(), r.toString());
        return img;
    }

    private static String sbin(String tool) {
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return d + "/" + tool;
            }
        }
        return tool;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static Guest.Result boot(Path initrd, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("vm", "run", "--kernel", Guest.vmlinux().toString(),
                "--initrd", initrd.toString(), "--cmdline", CMDLINE));
        args.addAll(List.of(extra));
        return Guest.kapsel(args.toArray(String[]::new));
    }

    @Test
    void theGuestReadsHostEntropyFromHwrng() throws Exception {
        Path initrd = initramfs("rng", """
                echo "rng: $(cat /sys/class/misc/hw_random/rng_current)"
                echo "hwrng-bytes: $(head -c 64 /dev/hwrng | wc -c)"
                echo "hwrng-distinct: $(head -c 4096 /dev/hwrng | od -An -v -tx1 | tr ' ' '\\n' | grep . | sort -u | wc -l)"
                """);
        Guest.Result r = boot(initrd, "--rng");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("rng: virtio_rng"), r.toString());
        assertTrue(r.stdout().contains("hwrng-bytes: 64"), r.toString());
        // 4096 random bytes take nearly all 256 byte values; a zero-filled buffer would give 1.
        assertTrue(r.stdout().matches("(?s).*hwrng-distinct: 2[0-9][0-9].*"), r.toString());
    }

    @Test
    void theGuestMountsAnExt4DiskReadsAFileAndWritesOneTheHostFinds() throws Exception {
        Path img = ext4Image("rw");
        Path initrd = initramfs("rw", """
                mkdir -p /mnt
                mount -t ext4 /dev/vda /mnt && echo MOUNTED
                echo "known: $(sha256sum /mnt/known.txt)"
                echo "written by the kapsel guest" > /mnt/newfile
                sync
                umount /mnt && echo UNMOUNTED
                """);
        Guest.Result r = boot(initrd, "--disk", img.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("MOUNTED"), r.toString());
        assertTrue(r.stdout().contains("known: " + sha256(KNOWN.getBytes(StandardCharsets.UTF_8))), r.toString());
        assertTrue(r.stdout().contains("UNMOUNTED"), r.toString());
        Guest.Result cat = Guest.run(List.of(sbin("debugfs"), "-R", "cat /newfile", img.toString()));
        assertTrue(cat.stdout().contains("written by the kapsel guest"), cat.toString());
    }

    @Test
    void aReadOnlyDiskIsReadOnlyInTheGuest() throws Exception {
        Path img = ext4Image("ro");
        byte[] before = Files.readAllBytes(img);
        Path initrd = initramfs("ro", """
                echo "ro-flag: $(cat /sys/block/vda/ro)"
                mkdir -p /mnt
                mount -o ro -t ext4 /dev/vda /mnt && echo RO-MOUNTED
                echo "known: $(sha256sum /mnt/known.txt)"
                umount /mnt
                if dd if=/dev/zero of=/dev/vda bs=4096 count=1 oflag=direct 2>/dev/null; then echo RAW-WRITE-DONE; else echo RAW-WRITE-REFUSED; fi
                """);
        Guest.Result r = boot(initrd, "--disk", img + ",ro");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("ro-flag: 1"), r.toString());
        assertTrue(r.stdout().contains("RO-MOUNTED"), r.toString());
        assertTrue(r.stdout().contains("known: " + sha256(KNOWN.getBytes(StandardCharsets.UTF_8))), r.toString());
        assertTrue(r.stdout().contains("RAW-WRITE-REFUSED"), r.toString());
        assertArrayEquals(before, Files.readAllBytes(img), "the read-only image changed");
    }
}
