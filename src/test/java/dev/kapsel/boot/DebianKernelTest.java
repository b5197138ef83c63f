package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.host.GuestKernels;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Loads the real Debian cloud kernel that bin/setup caches (its bzImage, as shipped in
 * linux-image-cloud-amd64) and checks the boot protocol fields kapsel relies on.
 */
class DebianKernelTest {
    @Test
    void loadsRealBzImage() throws Exception {
        GuestKernels kernels = new GuestKernels(StateDirectory.resolve());
        Path vmlinuz = kernels.defaultBzImage().orElseThrow(() -> new AssertionError(
                "no guest kernel cached under " + kernels.defaultDirectory() + ": run bin/setup"));
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = GuestMemory.allocate(arena, 256L << 20);
            LoadedKernel k = KernelLoader.load(vmlinuz, m);
            assertEquals(KernelFormat.BZIMAGE, k.format());
            assertEquals(Layout.HIMEM_START + 0x200, k.entry());
            SetupHeader h = k.setupHeader().orElseThrow();
            assertTrue(h.version() >= 0x020c, h.toString());
            assertEquals(1, h.xloadflags() & 1);
            assertTrue(h.initSize() > Files.size(vmlinuz), "decompressed kernel needs more than the file");
            assertTrue(k.reservedEnd() >= 0x1000000 + h.initSize());
            KernelCmdline line = KernelCmdline.forKernel(k).append("console=ttyS0 panic=1");
            line.writeTo(m);
            long initrd = InitrdPlacement.place("initrd", m, k, 1 << 20);
            assertTrue(initrd >= k.reservedEnd());
            new ZeroPage(k).cmdline(line).e820(E820Map.forMemory(m)).writeTo(m);
            ByteBuffer zp = ByteBuffer.wrap(m.read(Layout.ZERO_PAGE, 4096)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x53726448, zp.getInt(0x202));
            assertEquals(h.version(), zp.getShort(0x206));
        }
    }

    /** Debian's vmlinux carries Xen's PVH note too; its "Linux" notes keep it on Linux's own 64-bit protocol. */
    @Test
    void bothDebianKernelsAreDetectedAsLinuxThoughTheVmlinuxHasAPvhNote() throws Exception {
        GuestKernels kernels = new GuestKernels(StateDirectory.resolve());
        Path vmlinux = kernels.defaultVmlinux().orElseThrow(() -> new AssertionError("no vmlinux cached: run bin/setup"));
        Path vmlinuz = kernels.defaultBzImage().orElseThrow(() -> new AssertionError("no bzImage cached: run bin/setup"));
        assertEquals(BootProtocol.LINUX, KernelLoader.detectProtocol(vmlinux));
        assertEquals(BootProtocol.LINUX, KernelLoader.detectProtocol(vmlinuz));
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = GuestMemory.allocate(arena, 256L << 20);
            LoadedKernel pvh = KernelLoader.load(vmlinux, m, BootProtocol.PVH);
            assertEquals(KernelFormat.ELF_PVH, pvh.format());
            assertTrue(pvh.entry() > Layout.HIMEM_START && pvh.entry() < pvh.loadEnd(), Long.toHexString(pvh.entry()));
        }
    }
}
