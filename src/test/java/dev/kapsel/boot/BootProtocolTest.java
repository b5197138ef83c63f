package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.boot.SyntheticKernels.Seg;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.testing.TestKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Boot protocol detection and the PVH and multiboot loaders, on the project's test kernels and synthetic images. */
class BootProtocolTest {
    private static final long MIB = 1 << 20;
    private final Arena arena = Arena.ofConfined();
    private final GuestMemory memory = GuestMemory.allocate(arena, 64 * MIB);

    @AfterEach
    void close() {
        arena.close();
    }

    private static BootProtocol detect(byte[] image) throws KernelLoadException {
        return BootProtocol.detect("test", MemorySegment.ofArray(image));
    }

    /** One ELF note: namesz, descsz, type, name (NUL, padded to 4), descriptor (padded to 4). */
    static byte[] note(String owner, int type, byte[] desc) {
        byte[] name = (owner + "\0").getBytes(StandardCharsets.US_ASCII);
        int nameLen = (name.length + 3) & ~3;
        int descLen = (desc.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + nameLen + descLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(name.length).putInt(desc.length).putInt(type).put(name);
        b.position(12 + nameLen);
        b.put(desc);
        return b.array();
    }

    private static byte[] le32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] code() {
        return SyntheticKernels.pattern(4096, 3);
    }

    @Test
    void theTestKernelsAreDetectedByTheirOwnMarks() throws Exception {
        assertEquals(BootProtocol.PVH, KernelLoader.detectProtocol(TestKernels.pvh()));
        assertEquals(BootProtocol.MULTIBOOT, KernelLoader.detectProtocol(TestKernels.multiboot()));
        assertEquals(BootProtocol.MULTIBOOT, KernelLoader.detectProtocol(TestKernels.multibootAout()));
        assertEquals(BootProtocol.ELF64, KernelLoader.detectProtocol(TestKernels.elf64()));
    }

    @Test
    void aVmlinuxStaysLinuxEvenWithAPvhNoteAndABzImageIsLinux() throws Exception {
        byte[] xen = note("Xen", 18, le32(0x1000040));
        byte[] linux = note("Linux", 0x100, le32(7));
        byte[] both = SyntheticKernels.vmlinux(0x1000000, List.of(Seg.load(0x1000000, code(), 4096),
                new Seg(4, 0, concat(linux, xen), 0)));
        assertEquals(BootProtocol.LINUX, detect(both));
        byte[] pvhOnly = SyntheticKernels.vmlinux(0x1000000, List.of(Seg.load(0x1000000, code(), 4096),
                new Seg(4, 0, xen, 0)));
        assertEquals(BootProtocol.PVH, detect(pvhOnly));
        byte[] plain = SyntheticKernels.vmlinux(0x1000000, List.of(Seg.load(0x1000000, code(), 4096)));
        assertEquals(BootProtocol.ELF64, detect(plain));
        assertEquals(BootProtocol.LINUX, detect(SyntheticKernels.bzImage(4, 0x020f, 0x1, code(), 0x10000)));
        assertNull(detect(new byte[8192]));
    }

    @Test
    void thePvhEntryIsTheNotesAddressInFourOrEightBytes() throws Exception {
        for (byte[] desc : List.of(le32(0x1000040), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x1000040).array())) {
            byte[] image = SyntheticKernels.vmlinux(0x1000000, List.of(Seg.load(0x1000000, code(), 4096),
                    new Seg(4, 0, note("Xen", 18, desc), 0)));
            LoadedKernel k = KernelLoader.load("pvh", MemorySegment.ofArray(image), memory, BootProtocol.PVH);
            assertEquals(KernelFormat.ELF_PVH, k.format());
            assertEquals(0x1000040, k.entry());
            assertEquals(code()[0], memory.read(0x1000000, 1)[0]);
        }
        byte[] outside = SyntheticKernels.vmlinux(0x1000000, List.of(Seg.load(0x1000000, code(), 4096),
                new Seg(4, 0, note("Xen", 18, le32(0x3000000)), 0)));
        var e = assertThrows(KernelLoadException.Malformed.class,
                () -> KernelLoader.load("pvh", MemorySegment.ofArray(outside), memory, BootProtocol.PVH));
        assertTrue(e.getMessage().contains("PVH entry point 0x3000000"), e.getMessage());
        byte[] none = SyntheticKernels.vmlinux(0x1000000, List.of(Seg.load(0x1000000, code(), 4096)));
        var n = assertThrows(KernelLoadException.Unsupported.class,
                () -> KernelLoader.load("plain", MemorySegment.ofArray(none), memory, BootProtocol.PVH));
        assertTrue(n.getMessage().contains("not a PVH kernel"), n.getMessage());
    }

    /** A flat image: {@code pad} bytes, then a multiboot header with the a.out kludge fields, then code. */
    private static byte[] aout(int pad, int flags, int checksumFix, long loadAddr, long entry, long bssEnd) {
        ByteBuffer b = ByteBuffer.allocate(pad + 32 + 4096).order(ByteOrder.LITTLE_ENDIAN);
        b.position(pad);
        b.putInt(MultibootHeader.MAGIC).putInt(flags).putInt(-(MultibootHeader.MAGIC + flags) + checksumFix);
        b.putInt((int) (loadAddr + pad)).putInt((int) loadAddr).putInt(0).putInt((int) bssEnd).putInt((int) entry);
        b.put(SyntheticKernels.pattern(4096, 5));
        return b.array();
    }

    @Test
    void theMultibootHeaderMustBeAlignedValidAndInTheFirst8KiB() throws Exception {
        int kludge = MultibootHeader.FLAG_AOUT_KLUDGE | MultibootHeader.FLAG_MEMORY_INFO;
        byte[] ok = aout(64, kludge, 0, 0x200000, 0x200080, 0x300000);
        assertEquals(BootProtocol.MULTIBOOT, detect(ok));
        LoadedKernel k = KernelLoader.load("aout", MemorySegment.ofArray(ok), memory, BootProtocol.MULTIBOOT);
        assertEquals(0x200080, k.entry());
        assertEquals(0x300000, k.loadEnd());
        assertEquals(ok[64 + 32], memory.read(0x200000 + 64 + 32, 1)[0], "the file is loaded from load_addr");
        assertEquals(0, memory.readU32(0x2ffffc), "bss zeroed");
        assertNull(detect(aout(64, kludge, 1, 0x200000, 0x200080, 0x300000)), "bad checksum");
        assertNull(detect(aout(62, kludge, 0, 0x200000, 0x200080, 0x300000)), "not 4-byte aligned");
        assertNull(detect(aout(8192, kludge, 0, 0x200000, 0x200080, 0x300000)), "past the first 8 KiB");
    }

    @Test
    void multibootRequirementsKapselDoesNotMeetAndBadAddressesAreRefused() {
        int kludge = MultibootHeader.FLAG_AOUT_KLUDGE;
        byte[] unknown = aout(0, kludge | 1 << 3, 0, 0x200000, 0x200080, 0);
        var e = assertThrows(KernelLoadException.Unsupported.class,
                () -> KernelLoader.load("mb", MemorySegment.ofArray(unknown), memory, BootProtocol.MULTIBOOT));
        assertTrue(e.getMessage().contains("flags 0x8"), e.getMessage());
        byte[] entryOutside = aout(0, kludge, 0, 0x200000, 0x100000, 0);
        assertThrows(KernelLoadException.Malformed.class,
                () -> KernelLoader.load("mb", MemorySegment.ofArray(entryOutside), memory, BootProtocol.MULTIBOOT));
        byte[] low = aout(0, kludge, 0, 0x8000, 0x8010, 0);
        assertThrows(KernelLoadException.DoesNotFit.class,
                () -> KernelLoader.load("mb", MemorySegment.ofArray(low), memory, BootProtocol.MULTIBOOT));
        byte[] tooBig = aout(0, kludge, 0, 0x200000, 0x200010, 0x8000000);
        assertThrows(KernelLoadException.DoesNotFit.class,
                () -> KernelLoader.load("mb", MemorySegment.ofArray(tooBig), memory, BootProtocol.MULTIBOOT));
        byte[] plain = SyntheticKernels.vmlinux(0x1000000, List.of(Seg.load(0x1000000, code(), 4096)));
        var none = assertThrows(KernelLoadException.Unsupported.class,
                () -> KernelLoader.load("plain", MemorySegment.ofArray(plain), memory, BootProtocol.MULTIBOOT));
        assertTrue(none.getMessage().contains("no multiboot header"), none.getMessage());
    }

    @Test
    void protocolNamesParseAsTheCliSpellsThem() {
        assertEquals(BootProtocol.PVH, BootProtocol.parse("pvh"));
        assertEquals(BootProtocol.ELF64, BootProtocol.parse("ELF64"));
        var e = assertThrows(IllegalArgumentException.class, () -> BootProtocol.parse("uefi"));
        assertTrue(e.getMessage().contains("linux, pvh, multiboot, elf64"), e.getMessage());
    }
}
