package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZeroPageTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void bzImageZeroPageStartsFromKernelHeaderAndFillsLoaderFields() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = GuestMemory.allocate(arena, 128 * MIB);
            byte[] image = SyntheticKernels.bzImage(4, 0x020f, 0x1, SyntheticKernels.pattern(4096, 1), 0x10000);
            le(image).put(0x211, (byte) 0x20); // kernel-set QUIET flag: kept
            LoadedKernel k = KernelLoader.load("bz", MemorySegment.ofArray(image), m);
            KernelCmdline line = new KernelCmdline(k.cmdlineSize()).append("console=ttyS0");
            line.writeTo(m);
            new ZeroPage(k).cmdline(line).initrd(new Initrd(0x7000000, 12345)).acpiRsdp(0xe0000)
                    .e820(E820Map.forMemory(m)).writeTo(m);

            ByteBuffer p = le(m.read(Layout.ZERO_PAGE, 4096));
            assertEquals(4, p.get(0x1f1), "setup_sects copied from the kernel");
            assertEquals(0xaa55, Short.toUnsignedInt(p.getShort(0x1fe)));
            assertEquals(0x53726448, p.getInt(0x202));
            assertEquals(0x020f, p.getShort(0x206));
            assertEquals(0xff, Byte.toUnsignedInt(p.get(0x210)));
            assertEquals(0x01 | 0x20 | 0x80, Byte.toUnsignedInt(p.get(0x211)));
            assertEquals(0xde00, Short.toUnsignedInt(p.getShort(0x224)));
            assertEquals(Layout.CMDLINE, p.getInt(0x228));
            assertEquals("console=ttyS0".length() + 1, p.getInt(0x238));
            assertEquals(0x7000000, p.getInt(0x218));
            assertEquals(12345, p.getInt(0x21c));
            assertEquals(0x200000, p.getInt(0x230), "kernel's own kernel_alignment");
            assertEquals(0x1000000L, p.getLong(0x258), "pref_address copied");
            assertEquals(0xe0000L, p.getLong(0x070));
            assertEquals(3, p.get(0x1e8));
            assertEntry(p, 0, 0, 0x9fc00, 1);
            assertEntry(p, 1, 0x9fc00, 0x100000 - 0x9fc00, 2);
            assertEntry(p, 2, 0x100000, 128 * MIB - 0x100000, 1);
            assertEquals(0, p.getLong(0x2d0 + 3 * 20), "no fourth entry");
        }
    }

    @Test
    void vmlinuxZeroPageHasDefaultsAndNoHeaderFromFile() {
        LoadedKernel k = new LoadedKernel(KernelFormat.ELF_VMLINUX, 0x1000000, 0x1000000, 0x2000000, 0x2000000,
                Optional.empty());
        ByteBuffer p = le(new ZeroPage(k).cmdline(Layout.CMDLINE, 9).toBytes());
        assertEquals(4096, p.capacity());
        assertEquals(0x020f, p.getShort(0x206));
        assertEquals(0x1000000, p.getInt(0x230));
        assertEquals(10, p.getInt(0x238));
        assertEquals(0, p.getInt(0x218), "no initrd");
        assertEquals(0, p.get(0x1e8));
        assertEquals(0, p.get(0x1f1));
    }

    @Test
    void e820ForLargeMemoryHasRegionAboveFourGiB() {
        try (Arena arena = Arena.ofShared()) {
            GuestMemory m = SparseGuestMemory.of(arena, dir, 6L << 30);
            List<E820Entry> e = E820Map.forMemory(m);
            assertEquals(List.of(
                    E820Entry.ram(0, Layout.EBDA_START),
                    E820Entry.reserved(Layout.EBDA_START, Layout.HIMEM_START - Layout.EBDA_START),
                    E820Entry.ram(Layout.HIMEM_START, Layout.MMIO_GAP_START - Layout.HIMEM_START),
                    E820Entry.ram(1L << 32, (6L << 30) - Layout.MMIO_GAP_START)), e);
            ByteBuffer p = le(new ZeroPage(new LoadedKernel(KernelFormat.ELF_VMLINUX, 0, 0, 0, 0, Optional.empty()))
                    .cmdline(Layout.CMDLINE, 0).e820(e).toBytes());
            assertEquals(4, p.get(0x1e8));
            assertEntry(p, 3, 1L << 32, (6L << 30) - 0xc000_0000L, 1);
            long ram = e.stream().filter(x -> x.type() == 1).mapToLong(E820Entry::size).sum();
            assertEquals(m.size() - (Layout.HIMEM_START - Layout.EBDA_START), ram);
        }
    }

    @Test
    void reservedRangeCoversAcpiTables() {
        E820Entry reserved = E820Map.forMemory(GuestMemory.allocate(Arena.ofAuto(), 4 * MIB)).get(1);
        assertTrue(reserved.address() <= Layout.ACPI_START && reserved.end() >= Layout.ACPI_END);
    }

    private static void assertEntry(ByteBuffer p, int i, long addr, long size, int type) {
        int at = 0x2d0 + 20 * i;
        assertEquals(addr, p.getLong(at), "entry " + i + " addr");
        assertEquals(size, p.getLong(at + 8), "entry " + i + " size");
        assertEquals(type, p.getInt(at + 16), "entry " + i + " type");
    }
}
