package dev.kapsel.virtio.mmio;

import static dev.kapsel.virtio.mmio.MmioRegisters.*;

import dev.kapsel.virtio.DeviceStatus;
import dev.kapsel.virtio.MockVirtqueue;

/**
 * The guest's virtio_mmio driver in miniature, for tests: 32-bit register accesses on a
 * {@link VirtioMmioTransport} and the initialisation sequence of virtio 1.2, 3.1.1.
 */
public final class MockMmioDriver {
    private final VirtioMmioTransport transport;

    public MockMmioDriver(VirtioMmioTransport transport) {
        this.transport = transport;
    }

    public VirtioMmioTransport transport() {
        return transport;
    }

    public int read32(int offset) {
        byte[] b = new byte[4];
        transport.read(offset, b);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    public void write32(int offset, int value) {
        transport.write(offset, new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }

    public long deviceFeatures() {
        write32(DEVICE_FEATURES_SEL, 0);
        long low = Integer.toUnsignedLong(read32(DEVICE_FEATURES));
        write32(DEVICE_FEATURES_SEL, 1);
        return low | (long) read32(DEVICE_FEATURES) << 32;
    }

    /** Reset, ACKNOWLEDGE, DRIVER, write features, FEATURES_OK; returns Status read back. */
    public int negotiate(long features) {
        write32(STATUS, 0);
        write32(STATUS, DeviceStatus.ACKNOWLEDGE);
        write32(STATUS, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
        write32(DRIVER_FEATURES_SEL, 0);
        write32(DRIVER_FEATURES, (int) features);
        write32(DRIVER_FEATURES_SEL, 1);
        write32(DRIVER_FEATURES, (int) (features >>> 32));
        write32(STATUS, read32(STATUS) | DeviceStatus.FEATURES_OK);
        return read32(STATUS);
    }

    public void setUpQueue(int index, MockVirtqueue q) {
        write32(QUEUE_SEL, index);
        write32(QUEUE_NUM, q.size());
        write32(QUEUE_DESC_LOW, (int) q.descTable());
        write32(QUEUE_DESC_HIGH, (int) (q.descTable() >>> 32));
        write32(QUEUE_DRIVER_LOW, (int) q.availRing());
        write32(QUEUE_DRIVER_HIGH, (int) (q.availRing() >>> 32));
        write32(QUEUE_DEVICE_LOW, (int) q.usedRing());
        write32(QUEUE_DEVICE_HIGH, (int) (q.usedRing() >>> 32));
        write32(QUEUE_READY, 1);
    }

    public void driverOk() {
        write32(STATUS, read32(STATUS) | DeviceStatus.DRIVER_OK);
    }

    /** The whole sequence for a one-queue device, accepting every feature offered. */
    public void bringUp(MockVirtqueue q) {
        negotiate(deviceFeatures());
        setUpQueue(0, q);
        driverOk();
    }

    public void notifyQueue(int index) {
        write32(QUEUE_NOTIFY, index);
    }
}
