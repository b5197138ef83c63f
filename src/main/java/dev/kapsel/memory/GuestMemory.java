package dev.kapsel.memory;

import static dev.kapsel.memory.LittleEndian.U16;
import static dev.kapsel.memory.LittleEndian.U32;
import static dev.kapsel.memory.LittleEndian.U64;

import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Guest RAM as seen from the host: a few regions of guest-physical address space, each backed by a
 * {@link MemorySegment}. Every access is bounds-checked against the regions and fails with
 * {@link GuestMemoryException}; no guest-supplied address can reach host memory outside them.
 * All multi-byte values are little-endian, as on x86.
 */
public final class GuestMemory {

    private static final long PAGE_MASK = 4095;

    private final List<GuestRegion> regions;

    public GuestMemory(List<GuestRegion> regions) {
        this.regions = List.copyOf(regions);
        for (int i = 1; i < this.regions.size(); i++) {
            if (this.regions.get(i).start() < this.regions.get(i - 1).end()) {
                throw new IllegalArgumentException("guest regions overlap or are unsorted");
            }
        }
    }

    /** Guest memory backed by ordinary (heap-free, zeroed) native memory; for tests and tools. */
    public static GuestMemory allocate(Arena arena, long size) {
        return new GuestMemory(List.of(new GuestRegion(0, arena.allocate(size, 4096))));
    }

    public List<GuestRegion> regions() {
        return regions;
    }

    /** Total bytes of RAM. */
    public long size() {
        long total = 0;
        for (GuestRegion r : regions) {
            total += r.size();
        }
        return total;
    }

    /** Highest guest-physical address plus one. */
    public long end() {
        return regions.getLast().end();
    }

    public boolean contains(long address, long length) {
        for (GuestRegion r : regions) {
            if (r.contains(address, length)) {
                return true;
            }
        }
        return false;
    }

    /** The host view of {@code [address, address+length)}; the range must lie inside one region. */
    public MemorySegment slice(long address, long length) {
        for (GuestRegion r : regions) {
            if (r.contains(address, length)) {
                return r.backing().asSlice(address - r.start(), length);
            }
        }
        throw new GuestMemoryException(address, length);
    }

    public void read(long address, byte[] dst, int offset, int length) {
        MemorySegment.copy(slice(address, length), ValueLayout.JAVA_BYTE, 0, dst, offset, length);
    }

    public byte[] read(long address, int length) {
        byte[] out = new byte[length];
        read(address, out, 0, length);
        return out;
    }

    public void write(long address, byte[] src) {
        write(address, src, 0, src.length);
    }

    public void write(long address, byte[] src, int offset, int length) {
        MemorySegment.copy(src, offset, slice(address, length), ValueLayout.JAVA_BYTE, 0, length);
    }

    /**
     * Gives the host pages of {@code [address, address+length)} back to the host kernel
     * ({@code MADV_DONTNEED}): the memory is freed and, guest RAM being private anonymous memory,
     * reads as zeros afterwards. Both ends must be 4 KiB aligned and the range inside one region.
     */
    public void discard(long address, long length) {
        if ((address & PAGE_MASK) != 0 || (length & PAGE_MASK) != 0) {
            throw new IllegalArgumentException("discard of [0x" + Long.toHexString(address) + ", +0x" + Long.toHexString(length)
                    + ") is not page aligned");
        }
        Libc.madvise(slice(address, length), Libc.MADV_DONTNEED);
    }

    public void fill(long address, long length, byte value) {
        slice(address, length).fill(value);
    }

    public int readU8(long address) {
        return Byte.toUnsignedInt(slice(address, 1).get(ValueLayout.JAVA_BYTE, 0));
    }

    public int readU16(long address) {
        return Short.toUnsignedInt(slice(address, 2).get(U16, 0));
    }

    public int readU32(long address) {
        return slice(address, 4).get(U32, 0);
    }

    public long readU64(long address) {
        return slice(address, 8).get(U64, 0);
    }

    public void writeU8(long address, int value) {
        slice(address, 1).set(ValueLayout.JAVA_BYTE, 0, (byte) value);
    }

    public void writeU16(long address, int value) {
        slice(address, 2).set(U16, 0, (short) value);
    }

    public void writeU32(long address, int value) {
        slice(address, 4).set(U32, 0, value);
    }

    public void writeU64(long address, long value) {
        slice(address, 8).set(U64, 0, value);
    }
}
