package dev.kapsel.boot;

import static dev.kapsel.boot.SyntheticKernels.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.memory.GuestMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelLoaderTest {
    private static final long MIB = 1 << 20;
    private final Arena arena = Arena.ofConfined();
    private final GuestMemory memory = GuestMemory.allocate(arena, 64 * MIB);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        arena.close();
    }

    private LoadedKernel load(byte[] image) throws KernelLoadException {
        return KernelLoader.load("test-kernel", MemorySegment.ofArray(image), memory);
    }

    private <T extends KernelLoadException> T fails(Class<T> type, byte[] image) {
        T e = assertThrows(type, () -> load(image));
        assertTrue(e.getMessage().startsWith("test-kernel: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        return e;
    }

    @Test
    void vmlinuxSegmentsGoToTheirPhysicalAddressAndBssIsZeroed() throws Exception {
        byte[] text = pattern(5000, 1);
        byte[] data = pattern(300, 7);
        memory.fill(0x1000000, 16 * MIB, (byte) 0xaa);
        LoadedKernel k = load(vmlinux(0x1000000, List.of(
                Seg.load(0x1000000, text, text.length),
                new Seg(4, 0x1800000, new byte[16], 16), // PT_NOTE: not loaded
                Seg.load(0x1200000, data, 0x1000))));
        assertEquals(KernelFormat.ELF_VMLINUX, k.format());
        assertEquals(0x1000000, k.entry());
        assertEquals(0x1000000, k.loadStart());
        assertEquals(0x1201000, k.loadEnd());
        assertTrue(k.setupHeader().isEmpty());
        assertArrayEquals(text, memory.read(0x1000000, text.length));
        assertArrayEquals(data, memory.read(0x1200000, data.length));
        assertArrayEquals(new byte[0x1000 - 300], memory.read(0x1200000 + 300, 0x1000 - 300), "bss zeroed");
        assertEquals(0xaa, memory.readU8(0x1201000), "nothing written past p_memsz");
        assertEquals(0xaa, memory.readU8(0x1800000), "non-PT_LOAD ignored");
        assertEquals(0x7fffffffL, k.initrdAddrMax());
        assertEquals(2048, k.cmdlineSize());
    }

    @Test
    void vmlinuxErrors() {
        byte[] ok = pattern(64, 0);
        fails(KernelLoadException.Unsupported.class, elf(1, 3, 0x1000000, List.of(Seg.load(0x1000000, ok, 64))));
        fails(KernelLoadException.Unsupported.class, elf(2, 3, 0x1000000, List.of(Seg.load(0x1000000, ok, 64))));
        fails(KernelLoadException.Unsupported.class, elf(2, 183, 0x1000000, List.of(Seg.load(0x1000000, ok, 64))));
        fails(KernelLoadException.Malformed.class, vmlinux(0x1000000, List.of(Seg.load(0x1000000, ok, 10))));
        fails(KernelLoadException.Malformed.class, vmlinux(0x2000000, List.of(Seg.load(0x1000000, ok, 64))));
        fails(KernelLoadException.Malformed.class, vmlinux(0x1000000, List.of(new Seg(4, 0x1000000, ok, 64))));
        fails(KernelLoadException.Malformed.class, vmlinux(0x1000000, List.of()));
        fails(KernelLoadException.DoesNotFit.class, vmlinux(0x80000, List.of(Seg.load(0x80000, ok, 64))));
        fails(KernelLoadException.DoesNotFit.class, vmlinux(0x3fff000, List.of(Seg.load(0x3fff000, ok, 0x2000))));
        fails(KernelLoadException.DoesNotFit.class, vmlinux(-4096, List.of(Seg.load(-4096, ok, 64))));
        byte[] full = vmlinux(0x1000000, List.of(Seg.load(0x1000000, pattern(1000, 0), 1000)));
        var e = fails(KernelLoadException.Truncated.class, java.util.Arrays.copyOf(full, full.length - 1));
        assertTrue(e.getMessage().contains("truncated"));
        fails(KernelLoadException.Truncated.class, java.util.Arrays.copyOf(full, 100));
        fails(KernelLoadException.Truncated.class, java.util.Arrays.copyOf(full, 30));
    }

    @Test
    void bzImageProtectedModePartLoadsAtOneMegabyteWithEntryAt0x200() throws Exception {
        byte[] payload = pattern(10_000, 3);
        byte[] image = bzImage(27, 0x020f, 0x3, payload, 0x800000);
        LoadedKernel k = load(image);
        assertEquals(KernelFormat.BZIMAGE, k.format());
        assertEquals(0x100200, k.entry());
        assertEquals(0x100000, k.loadStart());
        assertEquals(0x100000 + image.length - 28 * 512, k.loadEnd());
        assertArrayEquals(payload, memory.read(0x100000, payload.length));
        assertEquals(0x1000000 + 0x800000, k.reservedEnd(), "decompression at pref_address needs init_size");
        SetupHeader h = k.setupHeader().orElseThrow();
        assertEquals(0x020f, h.version());
        assertEquals(27, h.setupSects());
        assertEquals(2047, k.cmdlineSize());
        assertEquals(0x7fffffffL, k.initrdAddrMax());
        assertEquals(0x26c - 0x1f1, h.raw().length);
        assertArrayEquals(java.util.Arrays.copyOfRange(image, 0x1f1, 0x26c), h.raw());
    }

    @Test
    void setupSectsZeroMeansFour() throws Exception {
        byte[] payload = pattern(512, 9);
        LoadedKernel k = load(bzImage(0, 0x020c, 0x1, payload, 0x1000));
        assertEquals(4, k.setupHeader().orElseThrow().setupSects());
        assertArrayEquals(payload, memory.read(0x100000, payload.length));
    }

    @Test
    void bzImageErrors() {
        byte[] payload = pattern(4096, 0);
        var old = fails(KernelLoadException.Unsupported.class, bzImage(4, 0x020b, 0x1, payload, 0x1000));
        assertTrue(old.getMessage().contains("2.11"), old.getMessage());
        var only32 = fails(KernelLoadException.Unsupported.class, bzImage(4, 0x020f, 0x0, payload, 0x1000));
        assertTrue(only32.getMessage().contains("32-bit"), only32.getMessage());
        byte[] full = bzImage(4, 0x020f, 0x1, payload, 0x1000);
        fails(KernelLoadException.Truncated.class, java.util.Arrays.copyOf(full, full.length - 16));
        fails(KernelLoadException.Truncated.class, java.util.Arrays.copyOf(full, 5 * 512));
        fails(KernelLoadException.Truncated.class, java.util.Arrays.copyOf(full, 0x240));
        fails(KernelLoadException.DoesNotFit.class, bzImage(4, 0x020f, 0x1, payload, 0x4000000));
    }

    @Test
    void notAKernel() {
        var e = fails(KernelLoadException.NotAKernel.class, "#!/bin/sh\necho hello\n".getBytes());
        assertEquals("test-kernel: not a Linux kernel: no ELF magic and no bzImage 'HdrS' header", e.getMessage());
        fails(KernelLoadException.NotAKernel.class, new byte[] {0x7f, 'E'});
        fails(KernelLoadException.Empty.class, new byte[0]);
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path missing = dir.resolve("nope");
        var nf = assertThrows(KernelLoadException.NotFound.class, () -> KernelLoader.load(missing, memory));
        assertTrue(nf.getMessage().startsWith(missing + ": "));
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThrows(KernelLoadException.Empty.class, () -> KernelLoader.load(empty, memory));
        assertThrows(KernelLoadException.Unreadable.class, () -> KernelLoader.load(dir, memory));
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        var na = assertThrows(KernelLoadException.NotAKernel.class, () -> KernelLoader.load(text, memory));
        assertTrue(na.getMessage().startsWith(text.toString()));
    }

    @Test
    void loadsFromFile() throws Exception {
        byte[] payload = pattern(2048, 5);
        Path f = Files.write(dir.resolve("bzImage"), bzImage(4, 0x020f, 0x1, payload, 0x1000));
        LoadedKernel k = KernelLoader.load(f, memory);
        assertEquals(0x100200, k.entry());
        assertArrayEquals(payload, memory.read(0x100000, payload.length));
    }
}
