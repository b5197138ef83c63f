package dev.kapsel.boot;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Multiboot (v1, specification 0.6.96) header of a kernel image: a 32-bit aligned structure in
 * the first {@value #SEARCH_LIMIT} bytes of the file whose magic, flags and checksum sum to zero
 * (mod 2^32). With flag bit 16 (the "a.out kludge") the address fields say where to load the file;
 * otherwise the image is an ELF and its program headers say it.
 *
 * @param offset    file offset of the header
 * @param flags     the requirements the kernel asks of the boot loader
 * @param headerAddr physical address the header's own magic field is loaded at (bit 16)
 * @param loadAddr  physical address of the start of the text segment (bit 16)
 * @param loadEndAddr end of the data segment, 0 for the end of the file (bit 16)
 * @param bssEndAddr end of the bss, 0 for none (bit 16)
 * @param entryAddr physical address to jump to (bit 16)
 */
public record MultibootHeader(long offset, int flags, long headerAddr, long loadAddr, long loadEndAddr,
                              long bssEndAddr, long entryAddr) {
    public static final int MAGIC = 0x1BADB002;
    /** The value the boot loader leaves in EAX. */
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    public static final int SEARCH_LIMIT = 8192;
    /** Flag bit 0: align modules on 4 KiB pages. */
    public static final int FLAG_PAGE_ALIGN = 1;
    /** Flag bit 1: pass mem_* (and the memory map). */
    public static final int FLAG_MEMORY_INFO = 1 << 1;
    /** Flag bit 2: the kernel would like a video mode (a preference: kapsel has no display). */
    public static final int FLAG_VIDEO_MODE = 1 << 2;
    /** Flag bit 16: the address fields are valid (the a.out kludge). */
    public static final int FLAG_AOUT_KLUDGE = 1 << 16;
    /** Requirement bits (0-15) kapsel meets. A kernel asking for another must not be booted. */
    public static final int KNOWN_REQUIREMENTS = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public boolean aoutKludge() {
        return (flags & FLAG_AOUT_KLUDGE) != 0;
    }

    /** Requirement bits (0-15) the kernel sets that kapsel does not understand; 0 if none. */
    public int unknownRequirements() {
        return flags & 0xffff & ~KNOWN_REQUIREMENTS;
    }

    /** The first valid header in the first 8 KiB of {@code image}, or null. */
    public static MultibootHeader find(MemorySegment image) {
        long limit = Math.min(image.byteSize(), SEARCH_LIMIT);
        for (long at = 0; at + 12 <= limit; at += 4) {
            if (image.get(U32, at) != MAGIC) {
                continue;
            }
            int flags = image.get(U32, at + 4);
            int checksum = image.get(U32, at + 8);
            if (MAGIC + flags + checksum != 0) {
                continue;
            }
            if ((flags & FLAG_AOUT_KLUDGE) == 0) {
                return new MultibootHeader(at, flags, 0, 0, 0, 0, 0);
            }
            if (at + 32 > image.byteSize()) {
                continue;
            }
            return new MultibootHeader(at, flags, u32(image, at + 12), u32(image, at + 16), u32(image, at + 20),
                    u32(image, at + 24), u32(image, at + 28));
        }
        return null;
    }

    private static long u32(MemorySegment image, long at) {
        return Integer.toUnsignedLong(image.get(U32, at));
    }
}
