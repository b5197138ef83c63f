package dev.kapsel.virtio.mmio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.DeviceStatus;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest driver made of fuzzer bytes, for the device fuzz targets: it negotiates any subset of the
 * features the device offers (VERSION_1 always), lays out every queue's descriptor table and available
 * ring from the input (addresses in the data area, anywhere, or at a table of random bytes for indirect
 * descriptors; any length, flags and next index), fills the data area with input bytes, and notifies
 * the queues in an order the input picks. What may happen is what a device is allowed to do with a
 * hostile driver: answer, or stop with a {@link VirtioDeviceException} (DEVICE_NEEDS_RESET). Anything
 * else that escapes (an unchecked exception) is a finding.
 */
public final class HostileDriver implements AutoCloseable {
    public static final long MEMORY = 1 << 20;
    public static final long DATA = 0x10000;
    static final int QUEUE_SIZE = 16;

    private final Arena arena = Arena.ofConfined();
    private final GuestMemory memory = GuestMemory.allocate(arena, MEMORY);
    private final List<String> warnings = new ArrayList<>();
    private final VirtioMmioTransport transport;
    private final MockMmioDriver driver;
    private final List<MockVirtqueue> queues = new ArrayList<>();
    private final int[] published;

    public HostileDriver(VirtioDevice device, FuzzedDataProvider data) {
        transport = new VirtioMmioTransport(device, memory, () -> {}, warnings::add);
        driver = new MockMmioDriver(transport);
        driver.negotiate(driver.deviceFeatures() & (data.consumeLong() | FeatureBits.bit(FeatureBits.VERSION_1)));
        int count = device.queueMaxSizes().length;
        published = new int[count];
        for (int q = 0; q < count; q++) {
            MockVirtqueue ring = new MockVirtqueue(memory, 0x1000L * (q + 1), QUEUE_SIZE);
            queues.add(ring);
            driver.setUpQueue(q, ring);
        }
        driver.driverOk();
        for (int q = 0; q < count; q++) {
            MockVirtqueue ring = queues.get(q);
            for (int i = 0; i < QUEUE_SIZE; i++) {
                ring.writeDescriptor(i, address(data), length(data), data.consumeInt(0, 7), data.consumeInt(0, QUEUE_SIZE + 1));
            }
            int heads = data.consumeInt(0, QUEUE_SIZE);
            for (int i = 0; i < heads; i++) {
                ring.publish(data.consumeInt(0, QUEUE_SIZE + 1));
            }
            published[q] = heads;
        }
        byte[] area = data.consumeBytes((int) (MEMORY - DATA));
        memory.write(DATA, area);
    }

    private static long address(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> DATA + data.consumeLong(0, MEMORY - DATA);
            case 1 -> DATA + 16L * data.consumeInt(0, 64);   // small aligned spots, where indirect tables and headers land
            case 2 -> MEMORY - data.consumeLong(0, 64);        // straddling the end of RAM
            default -> data.consumeLong();
        };
    }

    private static int length(FuzzedDataProvider data) {
        return data.consumeBoolean() ? data.consumeInt(0, 8192) : data.consumeInt();
    }

    public GuestMemory memory() {
        return memory;
    }

    public int queueCount() {
        return queues.size();
    }

    /** Notifies queue {@code index}, as a QueueNotify write. */
    public void notifyQueue(int index) {
        driver.notifyQueue(index);
    }

    /** Notifies every queue once, in order. */
    public void notifyAll(int rounds) {
        for (int r = 0; r < rounds; r++) {
            for (int q = 0; q < queues.size(); q++) {
                driver.notifyQueue(q);
            }
        }
    }

    /** The device either stopped with a defined error or answered no more chains than were published. */
    public void checkOutcome() {
        int status = driver.read32(MmioRegisters.STATUS);
        if (DeviceStatus.has(status, DeviceStatus.DEVICE_NEEDS_RESET)) {
            assertTrue(transport.failure() != null, "NEEDS_RESET without a failure");
            if (transport.failure() instanceof VirtioDeviceException.DeviceBug bug) {
                // the transport keeps the VM going after a device bug; to a fuzzer it is a finding
                throw (RuntimeException) bug.getCause();
            }
            return;
        }
        for (int q = 0; q < queues.size(); q++) {
            int used = queues.get(q).usedIdx();
            assertTrue(used <= published[q], "queue " + q + " answered " + used + " chains of " + published[q] + " published");
        }
    }

    public List<String> warnings() {
        return warnings;
    }

    @Override
    public void close() {
        arena.close();
    }
}
