package dev.kapsel.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BusTest {
    private final Bus bus = new Bus("pio");

    @Test
    void dispatchesWithOffsetFromBase() {
        RecordingDevice com1 = new RecordingDevice("com1");
        bus.insert(0x3f8, 8, com1);
        byte[] data = new byte[1];
        assertTrue(bus.read(0x3fd, data));
        assertEquals(RecordingDevice.marker(5), data[0]);
        assertTrue(bus.write(0x3f8, new byte[] {'A'}));
        assertEquals(List.of(new RecordingDevice.Access(false, 5, 1), new RecordingDevice.Access(true, 0, 1)),
                com1.accesses);
    }

    @Test
    void choosesTheRightDeviceAmongNeighbours() {
        RecordingDevice a = new RecordingDevice("a");
        RecordingDevice b = new RecordingDevice("b");
        RecordingDevice c = new RecordingDevice("c");
        bus.insert(0x20, 0x10, b);
        bus.insert(0x30, 0x10, c); // adjacent to b
        bus.insert(0x0, 0x10, a);
        assertTrue(bus.write(0x2f, new byte[1]));
        assertTrue(bus.write(0x30, new byte[1]));
        assertTrue(bus.write(0x0f, new byte[1]));
        assertFalse(bus.write(0x10, new byte[1]), "gap between a and b");
        assertFalse(bus.write(0x40, new byte[1]), "past the last device");
        assertEquals(List.of(new RecordingDevice.Access(true, 0xf, 1)), b.accesses);
        assertEquals(List.of(new RecordingDevice.Access(true, 0, 1)), c.accesses);
        assertEquals(List.of(new RecordingDevice.Access(true, 0xf, 1)), a.accesses);
        assertEquals(3, bus.size());
    }

    @Test
    void accessStraddlingTheEndOfARangeIsNotDispatched() {
        RecordingDevice dev = new RecordingDevice("dev");
        bus.insert(0x100, 4, dev);
        assertTrue(bus.read(0x100, new byte[4]));
        assertFalse(bus.read(0x102, new byte[4]));
        assertFalse(bus.write(0x103, new byte[2]));
        assertTrue(bus.write(0x103, new byte[1]));
        assertEquals(2, dev.accesses.size());
    }

    @Test
    void emptyAccessIsNotDispatched() {
        RecordingDevice dev = new RecordingDevice("dev");
        bus.insert(0x100, 4, dev);
        assertFalse(bus.read(0x100, new byte[0]));
        assertTrue(dev.accesses.isEmpty());
    }

    @Test
    void unmappedReadLeavesDataAndHelperFillsAllOnes() {
        byte[] data = {1, 2};
        assertFalse(bus.read(0x80, data));
        assertArrayEquals(new byte[] {1, 2}, data);
        bus.readOrUnmapped(0x80, data);
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff}, data);
    }

    @Test
    void readOrUnmappedReadsTheDeviceWhenThere() {
        bus.insert(0x80, 1, new RecordingDevice("post"));
        byte[] data = new byte[1];
        bus.readOrUnmapped(0x80, data);
        assertEquals(RecordingDevice.marker(0), data[0]);
    }

    @Test
    void rejectsZeroLength() {
        var e = assertThrows(BusRangeException.EmptyRange.class, () -> bus.insert(0x60, 0, new RecordingDevice("x")));
        assertEquals(0x60, e.base());
        assertEquals("pio", e.bus());
        assertEquals(0, bus.size());
    }

    @Test
    void rejectsRangeWrappingPastTheTop() {
        var e = assertThrows(BusRangeException.RangeOverflow.class,
                () -> bus.insert(0xffff_ffff_ffff_fff0L, 0x20, new RecordingDevice("x")));
        assertEquals(0x20, e.length());
        assertTrue(e.getMessage().contains("wraps"), e.getMessage());
    }

    @Test
    void acceptsRangeEndingAtTheTopAndUsesUnsignedOrder() {
        RecordingDevice top = new RecordingDevice("top");
        RecordingDevice low = new RecordingDevice("low");
        bus.insert(0xffff_ffff_ffff_fff0L, 0x10, top);
        bus.insert(0x1000, 0x10, low);
        assertTrue(bus.read(0xffff_ffff_ffff_ffffL, new byte[1]));
        assertTrue(bus.read(0x1000, new byte[1]));
        assertFalse(bus.read(0x8000_0000_0000_0000L, new byte[1]));
        assertEquals(List.of(new RecordingDevice.Access(false, 0xf, 1)), top.accesses);
        assertEquals(1, low.accesses.size());
    }

    @Test
    void rejectsOverlapsOnEitherSideAndContainment() {
        bus.insert(0x100, 0x10, new RecordingDevice("a"));
        var below = assertThrows(BusRangeException.RangeOverlap.class,
                () -> bus.insert(0xf8, 0x9, new RecordingDevice("x")));
        assertEquals(0x100, below.existingBase());
        assertEquals(0x10, below.existingLength());
        assertThrows(BusRangeException.RangeOverlap.class, () -> bus.insert(0x10f, 1, new RecordingDevice("x")));
        assertThrows(BusRangeException.RangeOverlap.class, () -> bus.insert(0x100, 0x10, new RecordingDevice("x")));
        assertThrows(BusRangeException.RangeOverlap.class, () -> bus.insert(0x0, 0x1000, new RecordingDevice("x")));
        assertThrows(BusRangeException.RangeOverlap.class, () -> bus.insert(0x104, 2, new RecordingDevice("x")));
        bus.insert(0xf8, 8, new RecordingDevice("touching below"));
        bus.insert(0x110, 8, new RecordingDevice("touching above"));
        assertEquals(3, bus.size());
    }

    @Test
    void concurrentDispatchWhileInsertingSeesEveryEarlierDevice() throws Exception {
        RecordingDevice first = new RecordingDevice("first");
        bus.insert(0x0, 1, first);
        AtomicInteger misses = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] vcpus = new Thread[4];
        for (int i = 0; i < vcpus.length; i++) {
            vcpus[i] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int n = 0; n < 20_000; n++) {
                    if (!bus.read(0x0, new byte[1])) {
                        misses.incrementAndGet();
                    }
                }
            });
        }
        start.countDown();
        for (int i = 1; i <= 200; i++) {
            bus.insert(i * 2L, 1, new RecordingDevice("d" + i));
        }
        for (Thread t : vcpus) {
            t.join();
        }
        assertEquals(0, misses.get());
        assertEquals(4 * 20_000, first.accesses.size());
        assertEquals(201, bus.size());
    }
}
