package dev.kapsel.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapsel.arch.x86.GuestRamLayout;
import dev.kapsel.arch.x86.Layout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * GuestMemory is the bounds check between a hostile guest's addresses and host memory: over the
 * layouts the VMM builds (one region, or two around the MMIO hole below 4 GiB), contains and slice
 * agree with a model in exact arithmetic at every edge, for negative, huge and zero-length ranges.
 */
class GuestMemoryProperties {
    private static final long PAGE = 4096;
    /** Host address of the fake backings: never dereferenced, only sliced. */
    private static final long HOST_BASE = 0x7000_0000_0000L;

    @Provide
    Arbitrary<Long> ramSizes() {
        long gap = Layout.MMIO_GAP_START;
        return Arbitraries.oneOf(
                Arbitraries.of(PAGE, gap - PAGE, gap, gap + PAGE, 2 * gap, 64L << 30),
                Arbitraries.longs().between(1, (64L << 30) / PAGE).map(pages -> pages * PAGE));
    }

    /** The VMM's layout for {@code ramSize}, backed by segments that are only ever sliced. */
    private static GuestMemory layout(long ramSize) {
        List<GuestRegion> regions = new ArrayList<>();
        long host = HOST_BASE;
        for (GuestRamLayout.Range r : GuestRamLayout.regionsFor(ramSize)) {
            regions.add(new GuestRegion(r.start(), MemorySegment.ofAddress(host).reinterpret(r.size())));
            host += r.size() + (1L << 30);
        }
        return new GuestMemory(regions);
    }

    /** Addresses at and around every region edge and the hole, plus the extremes of a long. */
    private static List<Long> edges(GuestMemory m) {
        List<Long> points = new ArrayList<>(List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - PAGE,
                Layout.MMIO_GAP_START, Layout.MMIO_GAP_END));
        for (GuestRegion r : m.regions()) {
            points.add(r.start());
            points.add(r.end());
        }
        List<Long> out = new ArrayList<>();
        for (long p : points) {
            for (long d : new long[] {-PAGE, -8, -1, 0, 1, 8}) {
                out.add(p + d); // wraps at the extremes on purpose
            }
        }
        return out;
    }

    private static List<Long> lengths(GuestMemory m) {
        List<Long> out = new ArrayList<>(List.of(0L, 1L, 8L, PAGE, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
        for (GuestRegion r : m.regions()) {
            out.add(r.size());
            out.add(r.size() + 1);
        }
        return out;
    }

    /** The region holding all of [address, address + length) in exact arithmetic, or null. */
    private static GuestRegion model(GuestMemory m, long address, long length) {
        if (length < 0) {
            return null;
        }
        BigInteger a = BigInteger.valueOf(address);
        BigInteger end = a.add(BigInteger.valueOf(length));
        for (GuestRegion r : m.regions()) {
            if (a.compareTo(BigInteger.valueOf(r.start())) >= 0 && end.compareTo(BigInteger.valueOf(r.end())) <= 0) {
                return r;
            }
        }
        return null;
    }

    @Property(tries = 60)
    void containsAndSliceAgreeWithTheModelAtEveryEdge(@ForAll("ramSizes") long ramSize) {
        GuestMemory m = layout(ramSize);
        assertEquals(ramSize, m.size());
        for (long address : edges(m)) {
            for (long length : lengths(m)) {
                GuestRegion expected = model(m, address, length);
                String what = "[0x%x, +%d) in %d bytes".formatted(address, length, ramSize);
                assertEquals(expected != null, m.contains(address, length), what);
                if (expected == null) {
                    assertThrows(GuestMemoryException.class, () -> m.slice(address, length), what);
                } else {
                    MemorySegment s = m.slice(address, length);
                    assertEquals(length, s.byteSize(), what);
                    assertEquals(expected.backing().address() + (address - expected.start()), s.address(), what);
                }
            }
        }
    }

    @Property(tries = 60)
    void aRangeAcrossTheHoleIsNeverGuestMemory(@ForAll("ramSizes") long ramSize,
            @ForAll("offsets") long before, @ForAll("offsets") long after) {
        GuestMemory m = layout(ramSize);
        long from = Layout.MMIO_GAP_START - 1 - before;
        long to = Layout.MMIO_GAP_END + after;
        assertEquals(false, m.contains(from, to - from));
        assertEquals(false, m.contains(Layout.MMIO_GAP_START + before % (Layout.MMIO_GAP_END - Layout.MMIO_GAP_START), 1));
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.longs().between(0, Layout.MMIO_GAP_START - 1);
    }

    /** On real memory in the same two-region shape (scaled down), accesses at the edges land or fail whole. */
    @Property(tries = 50)
    void accessesAtRegionEdgesLandOrFailWhole(@ForAll("widths") int width, @ForAll("edgeOffsets") long offset) {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = new GuestMemory(List.of(new GuestRegion(0, arena.allocate(0x10000, PAGE)),
                    new GuestRegion(0x20000, arena.allocate(0x10000, PAGE))));
            for (long base : new long[] {0, 0x10000, 0x20000, 0x30000}) {
                long address = base + offset;
                byte[] data = new byte[width];
                for (int i = 0; i < width; i++) {
                    data[i] = (byte) (i + 1);
                }
                if (model(m, address, width) != null) {
                    m.write(address, data);
                    assertArrayEquals(data, m.read(address, width));
                } else {
                    assertThrows(GuestMemoryException.class, () -> m.write(address, data));
                    assertThrows(GuestMemoryException.class, () -> m.read(address, width));
                }
            }
        }
    }

    @Provide
    Arbitrary<Integer> widths() {
        return Arbitraries.of(0, 1, 2, 4, 8, 4096);
    }

    @Provide
    Arbitrary<Long> edgeOffsets() {
        return Arbitraries.of(-4096L, -8L, -4L, -1L, 0L, 1L, 4L, 0x10000L - 8, 0x10000L - 1, 0x10000L);
    }
}
