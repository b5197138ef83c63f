package dev.kapsel.arch.x86;

import java.util.ArrayList;
import java.util.List;

/**
 * Where guest RAM of a given size goes in guest-physical space: below the 32-bit MMIO gap, and the
 * rest from 4 GiB up. The VMM mmaps one host region per range.
 */
public final class GuestRamLayout {
    private GuestRamLayout() {}

    /** A guest-physical range of RAM. */
    public record Range(long start, long size) {
        public long end() {
            return start + size;
        }
    }

    /** The ranges for {@code ramSize} bytes: [0, size), or [0, MMIO_GAP_START) + [4 GiB, 4 GiB + rest). */
    public static List<Range> regionsFor(long ramSize) {
        if (ramSize <= 0) {
            throw new IllegalArgumentException("guest RAM size must be positive");
        }
        List<Range> ranges = new ArrayList<>(2);
        if (ramSize <= Layout.MMIO_GAP_START) {
            ranges.add(new Range(0, ramSize));
        } else {
            ranges.add(new Range(0, Layout.MMIO_GAP_START));
            ranges.add(new Range(Layout.MMIO_GAP_END, Math.subtractExact(ramSize, Layout.MMIO_GAP_START)));
            Math.addExact(Layout.MMIO_GAP_END, ramSize - Layout.MMIO_GAP_START);
        }
        return List.copyOf(ranges);
    }
}
