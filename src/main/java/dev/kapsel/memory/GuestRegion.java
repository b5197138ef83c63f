package dev.kapsel.memory;

import java.lang.foreign.MemorySegment;

/** One contiguous piece of guest RAM: guest-physical start and the host segment that backs it. */
public record GuestRegion(long start, MemorySegment backing) {
    public long size() {
        return backing.byteSize();
    }

    public long end() {
        return start + backing.byteSize();
    }

    boolean contains(long address, long length) {
        return address >= start && length >= 0 && address - start <= size() - length;
    }
}
