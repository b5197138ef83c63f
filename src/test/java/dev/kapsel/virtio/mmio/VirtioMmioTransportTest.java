package dev.kapsel.virtio.mmio;

import static dev.kapsel.virtio.mmio.MmioRegisters.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.DescriptorChain;
import dev.kapsel.virtio.DeviceStatus;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import dev.kapsel.virtio.VirtqueueException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VirtioMmioTransportTest {
    /** A device that returns each chain it gets with its writable length, and counts life-cycle calls. */
    static final class EchoDevice implements VirtioDevice {
        Activation active;
        int activations;
        int resets;
        final List<Integer> heads = new ArrayList<>();
        RuntimeException bug;

        @Override public int deviceId() { return 42; }
        @Override public long features() { return FeatureBits.TRANSPORT | FeatureBits.bit(3); }
        @Override public int[] queueMaxSizes() { return new int[] {64}; }
        @Override public void readConfig(long offset, byte[] data) { java.util.Arrays.fill(data, (byte) (0x10 + offset)); }
        @Override public void writeConfig(long offset, byte[] data) {}
        @Override public void activate(Activation a) { active = a; activations++; }
        @Override public void reset() { active = null; resets++; }

        @Override
        public void processQueue(int index) throws VirtioDeviceException {
            if (bug != null) {
                throw bug;
            }
            DescriptorChain c;
            while ((c = active.queue(index).pop()) != null) {
                heads.add(c.head());
                active.queue(index).addUsed(c.head(), c.writableLength());
            }
            if (active.queue(index).needsNotification()) {
                active.interrupt().signalUsedBuffers();
            }
        }
    }

    private final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), 1 << 20);
    private final EchoDevice device = new EchoDevice();
    private final AtomicInteger interrupts = new AtomicInteger();
    private final List<String> warnings = new ArrayList<>();
    private final VirtioMmioTransport transport = new VirtioMmioTransport(device, memory, interrupts::incrementAndGet, warnings::add);
    private final MockMmioDriver driver = new MockMmioDriver(transport);
    private final MockVirtqueue queue = new MockVirtqueue(memory, 0x1000, 16);

    @Test
    void identifiesAsAModernVirtioMmioDevice() {
        assertEquals(0x74726976, driver.read32(MAGIC_VALUE));
        assertEquals(2, driver.read32(VERSION_REG));
        assertEquals(42, driver.read32(DEVICE_ID));
        assertEquals(KAPSEL_VENDOR, driver.read32(VENDOR_ID));
        assertEquals(device.features(), driver.deviceFeatures());
        driver.write32(QUEUE_SEL, 0);
        assertEquals(64, driver.read32(QUEUE_NUM_MAX));
        driver.write32(QUEUE_SEL, 1);
        assertEquals(0, driver.read32(QUEUE_NUM_MAX), "no queue 1");
    }

    @Test
    void noSharedMemoryRegionIsOfferedAsTheSpecSaysNoRegionIs() {
        MockMmioDriver d = driver;
        for (int id : new int[] {0, 1}) {
            d.write32(MmioRegisters.SHM_SEL, id);
            assertEquals(-1, d.read32(MmioRegisters.SHM_LEN_LOW));
            assertEquals(-1, d.read32(MmioRegisters.SHM_LEN_HIGH));
            assertEquals(-1, d.read32(MmioRegisters.SHM_BASE_LOW));
            assertEquals(-1, d.read32(MmioRegisters.SHM_BASE_HIGH));
        }
    }

    @Test
    void configSpaceIsForwardedAtOffset0x100() {
        byte[] b = new byte[1];
        transport.read(CONFIG + 5, b);
        assertEquals(0x15, b[0]);
    }

    @Test
    void featuresWithoutVersion1AreRefused() {
        int status = driver.negotiate(FeatureBits.bit(3));
        assertFalse(DeviceStatus.has(status, DeviceStatus.FEATURES_OK));
    }

    @Test
    void featuresTheDeviceDoesNotOfferAreRefused() {
        int status = driver.negotiate(FeatureBits.bit(FeatureBits.VERSION_1) | FeatureBits.bit(7));
        assertFalse(DeviceStatus.has(status, DeviceStatus.FEATURES_OK));
    }

    @Test
    void driverOkWithoutFeaturesOkDoesNotActivate() {
        driver.negotiate(0);
        driver.setUpQueue(0, queue);
        driver.driverOk();
        assertEquals(0, device.activations);
        assertFalse(DeviceStatus.has(driver.read32(STATUS), DeviceStatus.DRIVER_OK));
    }

    @Test
    void aNotifiedQueueIsProcessedAndInterruptsTheDriver() {
        driver.bringUp(queue);
        assertEquals(1, device.activations);
        int head = queue.addChain(MockVirtqueue.Seg.writable(0x20000, 100));
        driver.notifyQueue(0);
        assertEquals(List.of(head), device.heads);
        assertEquals(1, queue.usedIdx());
        assertEquals(100, queue.usedLen(0));
        assertEquals(INT_USED_BUFFER, driver.read32(INTERRUPT_STATUS));
        assertTrue(interrupts.get() >= 1);
        driver.write32(INTERRUPT_ACK, INT_USED_BUFFER);
        assertEquals(0, driver.read32(INTERRUPT_STATUS));
    }

    @Test
    void notificationsBeforeDriverOkAreIgnored() {
        driver.negotiate(device.features());
        driver.setUpQueue(0, queue);
        queue.addChain(MockVirtqueue.Seg.writable(0x20000, 100));
        driver.notifyQueue(0);
        assertTrue(device.heads.isEmpty());
    }

    @Test
    void queueRegistersAreFrozenAfterDriverOk() {
        driver.bringUp(queue);
        driver.write32(QUEUE_DESC_LOW, 0x5000);
        queue.addChain(MockVirtqueue.Seg.writable(0x20000, 8));
        driver.notifyQueue(0);
        assertEquals(1, device.heads.size());
    }

    @Test
    void aMalformedRingSetsDeviceNeedsResetAndRaisesAConfigInterrupt() {
        driver.bringUp(queue);
        queue.setAvailIdx(100);
        driver.notifyQueue(0);
        assertTrue(DeviceStatus.has(driver.read32(STATUS), DeviceStatus.DEVICE_NEEDS_RESET));
        assertEquals(INT_CONFIG_CHANGE, driver.read32(INTERRUPT_STATUS) & INT_CONFIG_CHANGE);
        assertInstanceOf(VirtqueueException.AvailIndexTooFarAhead.class, transport.failure());
        assertEquals(1, warnings.size());
        // The device stays stopped until reset.
        queue.setAvailIdx(1);
        driver.notifyQueue(0);
        assertTrue(device.heads.isEmpty());
    }

    @Test
    void aDeviceBugStopsTheDeviceWithItsPlaceInsteadOfEndingTheQueueThread() {
        driver.bringUp(queue);
        device.bug = new IllegalStateException("made up");
        driver.notifyQueue(0);
        assertTrue(DeviceStatus.has(driver.read32(STATUS), DeviceStatus.DEVICE_NEEDS_RESET));
        assertInstanceOf(VirtioDeviceException.DeviceBug.class, transport.failure());
        assertSame(device.bug, transport.failure().getCause());
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("made up") && warnings.getFirst().contains("VirtioMmioTransportTest.java:"), warnings.getFirst());
    }

    @Test
    void ringsOutsideMemoryAtDriverOkStopTheDeviceWithoutActivatingIt() {
        driver.negotiate(device.features());
        driver.setUpQueue(0, queue);
        driver.write32(QUEUE_DEVICE_HIGH, 0x10);
        driver.driverOk();
        assertEquals(0, device.activations);
        assertTrue(DeviceStatus.has(driver.read32(STATUS), DeviceStatus.DEVICE_NEEDS_RESET));
        assertInstanceOf(VirtqueueException.RingOutsideMemory.class, transport.failure());
    }

    @Test
    void writingZeroToStatusResetsDeviceAndQueues() {
        driver.bringUp(queue);
        queue.addChain(MockVirtqueue.Seg.writable(0x20000, 8));
        driver.notifyQueue(0);
        driver.write32(STATUS, 0);
        assertEquals(0, driver.read32(STATUS));
        assertEquals(1, device.resets);
        assertEquals(0, driver.read32(INTERRUPT_STATUS));
        driver.write32(QUEUE_SEL, 0);
        assertEquals(0, driver.read32(QUEUE_READY));
        // A fresh driver can bring it up again from index 0.
        MockVirtqueue again = new MockVirtqueue(memory, 0x4000, 16);
        driver.bringUp(again);
        again.addChain(MockVirtqueue.Seg.writable(0x20000, 8));
        driver.notifyQueue(0);
        assertEquals(1, again.usedIdx());
    }

    @Test
    void statusBitsCannotBeClearedExceptByReset() {
        driver.negotiate(device.features());
        driver.write32(STATUS, DeviceStatus.ACKNOWLEDGE);
        assertTrue(DeviceStatus.has(driver.read32(STATUS), DeviceStatus.FEATURES_OK));
    }

    @Test
    void narrowRegisterAccessesAreIgnored() {
        byte[] b = new byte[2];
        transport.read(MAGIC_VALUE, b);
        assertArrayEquals(new byte[2], b);
        transport.write(STATUS, new byte[] {1});
        assertEquals(0, driver.read32(STATUS));
    }
}
