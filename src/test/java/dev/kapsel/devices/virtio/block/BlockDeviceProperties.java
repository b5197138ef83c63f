package dev.kapsel.devices.virtio.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.DeviceStatus;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.VirtqueueException;
import dev.kapsel.virtio.mmio.MmioRegisters;
import dev.kapsel.virtio.mmio.MockMmioDriver;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A hostile driver against virtio-blk through the transport: random descriptor tables and request
 * headers (any type, any sector). Nothing escapes the transport, the image never grows, the device
 * either answers every chain or stops with a {@link VirtqueueException}, and the notification returns.
 */
class BlockDeviceProperties {
    private static final long MEM = 256 * 1024;
    private static final int SIZE = 16;
    private static final int SECTORS = 32;

    record Raw(long address, int length, int flags, int next) {}

    @Provide
    Arbitrary<Raw> descriptors() {
        Arbitrary<Long> address = Arbitraries.oneOf(Arbitraries.longs().between(0x10000, MEM),
                Arbitraries.of(0x20000L, 0x30000L, 0x30010L), Arbitraries.longs());
        Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.of(1, 16, 512, 4096, 20), Arbitraries.integers());
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> next = Arbitraries.integers().between(0, SIZE + 2);
        return Combinators.combine(address, length, flags, next).as(Raw::new);
    }

    @Property(tries = 300)
    void hostileRequestsStayInsideTheImageAndGuestMemory(
            @ForAll @Size(min = 1, max = SIZE) List<@From("descriptors") Raw> table,
            @ForAll @Size(max = SIZE) List<@IntRange(min = 0, max = SIZE + 2) Integer> heads,
            @ForAll @IntRange(min = 0, max = 10) int type,
            @ForAll long sector,
            @ForAll boolean readOnly) throws Exception {
        Path dir = Files.createTempDirectory("kapsel-blk-prop");
        Path image = dir.resolve("disk.img");
        Files.write(image, new byte[SECTORS * 512]);
        List<String> warnings = new ArrayList<>();
        try (DiskImage disk = DiskImage.open(image, readOnly)) {
            GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), MEM);
            VirtioMmioTransport transport = new VirtioMmioTransport(new BlockDevice(disk, "p"), memory, () -> {}, warnings::add);
            MockMmioDriver driver = new MockMmioDriver(transport);
            MockVirtqueue queue = new MockVirtqueue(memory, 0x1000, SIZE);
            driver.bringUp(queue);
            memory.writeU32(0x20000, type);
            memory.writeU64(0x20008, sector);
            for (int i = 0; i < table.size(); i++) {
                Raw d = table.get(i);
                queue.writeDescriptor(i, d.address(), d.length(), d.flags(), d.next());
            }
            for (int head : heads) {
                queue.publish(head);
            }
            driver.notifyQueue(0);
            int status = driver.read32(MmioRegisters.STATUS);
            if (DeviceStatus.has(status, DeviceStatus.DEVICE_NEEDS_RESET)) {
                assertTrue(transport.failure() instanceof VirtqueueException, String.valueOf(transport.failure()));
            } else {
                assertEquals(heads.size(), queue.usedIdx(), "every chain answered");
            }
            assertEquals(SECTORS * 512L, Files.size(image), "the image never grows");
        } finally {
            Files.deleteIfExists(image);
            Files.deleteIfExists(dir);
        }
    }
}
