package dev.kapsel.devices.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.DeviceStatus;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.MockVirtqueue.Seg;
import dev.kapsel.virtio.mmio.MmioRegisters;
import dev.kapsel.virtio.mmio.MockMmioDriver;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BalloonDeviceTest {
    private static final long RAM = 8L << 20;
    private final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), RAM);
    private final MockVirtqueue inflate = new MockVirtqueue(memory, 0x1000, 16);
    private final MockVirtqueue deflate = new MockVirtqueue(memory, 0x8000, 16);
    private final AtomicInteger interrupts = new AtomicInteger();
    private final List<String> warnings = new ArrayList<>();

    private MockMmioDriver bringUp(BalloonDevice device) {
        MockMmioDriver driver = new MockMmioDriver(new VirtioMmioTransport(device, memory, interrupts::incrementAndGet, warnings::add));
        driver.negotiate(driver.deviceFeatures());
        driver.setUpQueue(BalloonDevice.INFLATE_QUEUE, inflate);
        driver.setUpQueue(BalloonDevice.DEFLATE_QUEUE, deflate);
        driver.driverOk();
        return driver;
    }

    /** Writes the frame numbers as a little-endian u32 array at {@code at}; returns its byte length. */
    private int writePfns(long at, long... pfns) {
        for (int i = 0; i < pfns.length; i++) {
            memory.writeU32(at + 4L * i, (int) pfns[i]);
        }
        return 4 * pfns.length;
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void isDeviceFiveWithTwoQueuesAndDeflateOnOomOnlyWhenAsked() {
        BalloonDevice plain = new BalloonDevice(0, false);
        assertEquals(5, plain.deviceId());
        assertEquals(2, plain.queueMaxSizes().length);
        assertFalse(FeatureBits.has(plain.features(), BalloonDevice.F_DEFLATE_ON_OOM));
        assertTrue(FeatureBits.has(new BalloonDevice(0, true).features(), BalloonDevice.F_DEFLATE_ON_OOM));
    }

    @Test
    void theDriverReadsTheTargetAndWritesOnlyActual() {
        BalloonDevice device = new BalloonDevice(BalloonDevice.pagesOf(64), false);
        MockMmioDriver driver = bringUp(device);
        assertEquals(16384, driver.read32(MmioRegisters.CONFIG));
        driver.write32(MmioRegisters.CONFIG, 7); // num_pages is the host's: ignored
        driver.write32(MmioRegisters.CONFIG + 4, 16384);
        assertEquals(16384, driver.read32(MmioRegisters.CONFIG));
        assertEquals(16384, driver.read32(MmioRegisters.CONFIG + 4));
        assertEquals(16384, device.actualPages());
    }

    @Test
    void inflatedPagesAreGivenBackAndReadAsZeroWhileOthersKeepTheirContent() {
        BalloonDevice device = new BalloonDevice(4, false);
        MockMmioDriver driver = bringUp(device);
        byte[] data = pattern(5 * 4096, 9);
        memory.write(0x100000, data);
        // Frames 0x100, 0x101 (a run), 0x103 (alone); 0x102 and 0x104 stay.
        int len = writePfns(0x20000, 0x100, 0x101, 0x103);
        inflate.addChain(Seg.readable(0x20000, len));
        driver.notifyQueue(BalloonDevice.INFLATE_QUEUE);
        assertEquals(1, inflate.usedIdx());
        assertEquals(3, device.inflatedPages());
        byte[] zero = new byte[4096];
        assertArrayEquals(zero, memory.read(0x100000, 4096));
        assertArrayEquals(zero, memory.read(0x101000, 4096));
        assertArrayEquals(Arrays.copyOfRange(data, 2 * 4096, 3 * 4096), memory.read(0x102000, 4096));
        assertArrayEquals(zero, memory.read(0x103000, 4096));
        assertArrayEquals(Arrays.copyOfRange(data, 4 * 4096, 5 * 4096), memory.read(0x104000, 4096));
        assertTrue(interrupts.get() > 0);
    }

    @Test
    void deflatedFramesAreCountedAndLeftAlone() {
        BalloonDevice device = new BalloonDevice(0, false);
        MockMmioDriver driver = bringUp(device);
        byte[] data = pattern(4096, 3);
        memory.write(0x200000, data);
        deflate.addChain(Seg.readable(0x20000, writePfns(0x20000, 0x200)));
        driver.notifyQueue(BalloonDevice.DEFLATE_QUEUE);
        assertEquals(1, deflate.usedIdx());
        assertEquals(1, device.deflatedPages());
        assertArrayEquals(data, memory.read(0x200000, 4096));
    }

    @Test
    void aFrameOutsideGuestRamStopsTheDeviceAndTouchesNothing() {
        BalloonDevice device = new BalloonDevice(1, false);
        MockMmioDriver driver = bringUp(device);
        inflate.addChain(Seg.readable(0x20000, writePfns(0x20000, RAM >>> 12)));
        driver.notifyQueue(BalloonDevice.INFLATE_QUEUE);
        assertTrue(DeviceStatus.has(driver.read32(MmioRegisters.STATUS), DeviceStatus.DEVICE_NEEDS_RESET));
        assertEquals(0, device.inflatedPages());
        assertFalse(warnings.isEmpty());
        assertTrue(warnings.getFirst().contains("outside guest RAM"), warnings.toString());
    }

    @Test
    void aLengthThatIsNotWholeFrameNumbersIsRefused() {
        MockMmioDriver driver = bringUp(new BalloonDevice(1, false));
        inflate.addChain(Seg.readable(0x20000, 6));
        driver.notifyQueue(BalloonDevice.INFLATE_QUEUE);
        assertTrue(DeviceStatus.has(driver.read32(MmioRegisters.STATUS), DeviceStatus.DEVICE_NEEDS_RESET));
    }

    @Test
    void anOversizedRequestIsRefusedBeforeAnyPageIsDiscarded() {
        BalloonDevice device = new BalloonDevice(1, false);
        MockMmioDriver driver = bringUp(device);
        byte[] data = pattern(4096, 5);
        memory.write(0x300000, data);
        long[] pfns = new long[BalloonDevice.MAX_PFNS_PER_REQUEST + 1];
        Arrays.fill(pfns, 0x300);
        inflate.addChain(Seg.readable(0x40000, writePfns(0x40000, pfns)));
        driver.notifyQueue(BalloonDevice.INFLATE_QUEUE);
        assertTrue(DeviceStatus.has(driver.read32(MmioRegisters.STATUS), DeviceStatus.DEVICE_NEEDS_RESET));
        assertArrayEquals(data, memory.read(0x300000, 4096));
    }

    @Test
    void aNegativeTargetIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BalloonDevice(-1, false));
    }

    /**
     * Any list of frame numbers, in RAM or not: the device either discards exactly the in-RAM frames
     * (all of the request valid) or stops with DEVICE_NEEDS_RESET having discarded nothing outside RAM.
     * Frames start above the rings and the frame list (below 0x20000): a guest that balloons its own
     * rings only hurts itself.
     */
    @Property(tries = 200)
    void randomFrameListsNeverReachOutsideRam(@ForAll @Size(min = 1, max = 64) List<@IntRange(min = 0x20, max = 0x1000) Integer> frames) {
        GuestMemory ram = GuestMemory.allocate(Arena.ofAuto(), RAM);
        MockVirtqueue q = new MockVirtqueue(ram, 0x1000, 16);
        MockVirtqueue d = new MockVirtqueue(ram, 0x8000, 16);
        List<String> warned = new ArrayList<>();
        BalloonDevice device = new BalloonDevice(frames.size(), false);
        MockMmioDriver driver = new MockMmioDriver(new VirtioMmioTransport(device, ram, () -> {}, warned::add));
        driver.negotiate(driver.deviceFeatures());
        driver.setUpQueue(0, q);
        driver.setUpQueue(1, d);
        driver.driverOk();
        for (int i = 0; i < frames.size(); i++) {
            ram.writeU32(0x10000 + 4L * i, frames.get(i));
        }
        q.addChain(Seg.readable(0x10000, 4 * frames.size()));
        driver.notifyQueue(0);
        boolean allInRam = frames.stream().allMatch(f -> ((long) f << 12) < RAM);
        boolean failed = DeviceStatus.has(driver.read32(MmioRegisters.STATUS), DeviceStatus.DEVICE_NEEDS_RESET);
        assertEquals(!allInRam, failed, warned.toString());
        assertEquals(allInRam ? frames.size() : 0, device.inflatedPages());
    }
}
