package dev.kapsel.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class BusPropertiesTest {
    /** A gap before a range and the range's length. */
    record Piece(long gap, long length) {}

    record Range(long base, long length, RecordingDevice device) {
        boolean holds(long address) {
            return address >= base && address - base < length;
        }
    }

    @Provide
    Arbitrary<List<Piece>> layouts() {
        Arbitrary<Long> gaps = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 0x1000));
        Arbitrary<Long> lengths = Arbitraries.oneOf(Arbitraries.just(1L), Arbitraries.longs().between(1, 0x1000));
        return Combinators.combine(gaps, lengths).as(Piece::new).list().ofMinSize(1).ofMaxSize(24);
    }

    private static List<Range> lay(List<Piece> pieces, long start) {
        List<Range> ranges = new ArrayList<>();
        long cursor = start;
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            long base = cursor + p.gap();
            ranges.add(new Range(base, p.length(), new RecordingDevice("d" + i)));
            cursor = base + p.length();
        }
        return ranges;
    }

    @Property(tries = 300)
    void everyAddressReachesExactlyItsOwnDeviceWithTheRightOffset(
            @ForAll("layouts") List<Piece> pieces, @ForAll long seed) {
        List<Range> ranges = lay(pieces, 0x1000);
        List<Range> shuffled = new ArrayList<>(ranges);
        Random random = new Random(seed);
        Collections.shuffle(shuffled, random);
        Bus bus = new Bus("mmio");
        for (Range r : shuffled) {
            bus.insert(r.base(), r.length(), r.device());
        }
        Range lastRange = ranges.getLast();
        long end = lastRange.base() + lastRange.length();
        List<Long> probes = new ArrayList<>();
        for (Range r : ranges) {
            probes.add(r.base());
            probes.add(r.base() + r.length() - 1);
            probes.add(r.base() - 1);
            probes.add(r.base() + r.length());
        }
        for (int i = 0; i < 200; i++) {
            probes.add(random.nextLong(0, end + 0x100));
        }
        for (long address : probes) {
            List<Range> holders = ranges.stream().filter(r -> r.holds(address)).toList();
            for (Range r : ranges) {
                r.device().accesses.clear();
            }
            boolean dispatched = bus.write(address, new byte[1]);
            if (holders.isEmpty()) {
                assertFalse(dispatched, () -> "address 0x" + Long.toHexString(address) + " is in no range");
                for (Range r : ranges) {
                    assertTrue(r.device().accesses.isEmpty());
                }
            } else {
                assertEquals(1, holders.size());
                Range owner = holders.getFirst();
                assertTrue(dispatched);
                for (Range r : ranges) {
                    List<RecordingDevice.Access> expected = r == owner
                            ? List.of(new RecordingDevice.Access(true, address - r.base(), 1))
                            : List.of();
                    assertEquals(expected, r.device().accesses);
                }
            }
        }
    }

    @Property(tries = 200)
    void anyRangeOverlappingARegisteredOneIsRefused(
            @ForAll("layouts") List<Piece> pieces, @ForAll long seed) {
        List<Range> ranges = lay(pieces, 0x1000);
        Bus bus = new Bus("mmio");
        for (Range r : ranges) {
            bus.insert(r.base(), r.length(), r.device());
        }
        Random random = new Random(seed);
        Range victim = ranges.get(random.nextInt(ranges.size()));
        long inside = victim.base() + random.nextLong(victim.length());
        long before = random.nextLong(0, 0x2000);
        long base = Math.max(0, inside - before);
        long length = inside - base + 1 + random.nextLong(0, 0x100);
        try {
            bus.insert(base, length, new RecordingDevice("intruder"));
            throw new AssertionError("overlapping range was accepted");
        } catch (BusRangeException.RangeOverlap expected) {
            assertEquals(ranges.size(), bus.size());
        }
    }
}
