package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitrdTest {
    private static final long MIB = 1 << 20;
    private final Arena arena = Arena.ofShared();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        arena.close();
    }

    private static LoadedKernel vmlinux(long end) {
        return new LoadedKernel(KernelFormat.ELF_VMLINUX, 0x1000000, 0x1000000, end, end, Optional.empty());
    }

    @Test
    void placedAtHighestPageBelowEndOfRam() throws Exception {
        GuestMemory memory = GuestMemory.allocate(arena, 128 * MIB);
        long addr = InitrdPlacement.place("initrd", memory, vmlinux(0x2000000), 10_000);
        assertEquals(128 * MIB - 3 * 4096, addr);
        assertEquals(0, addr % 4096);
        assertTrue(addr + 10_000 <= 128 * MIB);
    }

    @Test
    void respectsInitrdAddrMaxOfVmlinux() throws Exception {
        GuestMemory memory = SparseGuestMemory.of(arena, dir, 3 * 1024 * MIB);
        long addr = InitrdPlacement.place("initrd", memory, vmlinux(0x2000000), 4096);
        assertEquals(0x8000_0000L - 4096, addr);
    }

    @Test
    void staysBelowMmioGapWithHighMemory() throws Exception {
        GuestMemory memory = SparseGuestMemory.of(arena, dir, 5 * 1024 * MIB);
        LoadedKernel k = new LoadedKernel(KernelFormat.BZIMAGE, 0x100200, 0x100000, 0x200000, 0x2000000,
                Optional.of(SetupHeader.parse(headerWithAddrMax(0xffff_ffffL))));
        long addr = InitrdPlacement.place("initrd", memory, k, 8192);
        assertEquals(Layout.MMIO_GAP_START - 8192, addr);
    }

    private static byte[] headerWithAddrMax(long max) {
        byte[] image = SyntheticKernels.bzImage(4, 0x20f, 1, new byte[16], 0x1000);
        java.nio.ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x22c, (int) max);
        return java.util.Arrays.copyOfRange(image, 0x1f1, 0x26c);
    }

    @Test
    void doesNotOverlapTheKernel() {
        GuestMemory memory = GuestMemory.allocate(arena, 64 * MIB);
        var e = assertThrows(InitrdException.DoesNotFit.class,
                () -> InitrdPlacement.place("big.cpio", memory, vmlinux(60 * MIB), 5 * MIB));
        assertEquals(4 * MIB, e.available());
        assertTrue(e.getMessage().startsWith("big.cpio: "));
        long addr = assertDoesNotThrow(() -> InitrdPlacement.place("ok", memory, vmlinux(60 * MIB + 1), 4 * MIB - 4096));
        assertEquals(60 * MIB + 4096, addr);
        assertThrows(InitrdException.DoesNotFit.class,
                () -> InitrdPlacement.place("ok", memory, vmlinux(60 * MIB + 1), 4 * MIB - 4095));
    }

    @Test
    void loadCopiesTheFile() throws Exception {
        GuestMemory memory = GuestMemory.allocate(arena, 64 * MIB);
        byte[] data = SyntheticKernels.pattern(70_000, 2);
        Path f = Files.write(dir.resolve("initrd.cpio"), data);
        Initrd initrd = Initrd.load(f, memory, vmlinux(0x1800000));
        assertEquals(70_000, initrd.size());
        assertEquals((64 * MIB - 70_000) & -4096, initrd.address());
        assertArrayEquals(data, memory.read(initrd.address(), data.length));
    }

    @Test
    void fileErrors() throws Exception {
        GuestMemory memory = GuestMemory.allocate(arena, 64 * MIB);
        assertThrows(InitrdException.NotFound.class, () -> Initrd.load(dir.resolve("x"), memory, vmlinux(0x1800000)));
        Path empty = Files.createFile(dir.resolve("e"));
        assertThrows(InitrdException.Empty.class, () -> Initrd.load(empty, memory, vmlinux(0x1800000)));
        assertThrows(InitrdException.Unreadable.class, () -> Initrd.load(dir, memory, vmlinux(0x1800000)));
        assertThrows(InitrdException.Empty.class,
                () -> Initrd.load("m", MemorySegment.ofArray(new byte[0]), memory, vmlinux(0x1800000)));
    }
}
