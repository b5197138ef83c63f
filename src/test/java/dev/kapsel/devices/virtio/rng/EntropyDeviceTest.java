package dev.kapsel.devices.virtio.rng;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.MockVirtqueue.Seg;
import dev.kapsel.virtio.mmio.MmioRegisters;
import dev.kapsel.virtio.mmio.MockMmioDriver;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.io.ByteArrayInputStream;
import java.lang.foreign.Arena;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EntropyDeviceTest {
    private final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), 4 << 20);
    private final MockVirtqueue queue = new MockVirtqueue(memory, 0x1000, 16);
    private final AtomicInteger interrupts = new AtomicInteger();
    private final List<String> warnings = new ArrayList<>();

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    private MockMmioDriver bringUp(ReadableByteChannel source) {
        VirtioMmioTransport t = new VirtioMmioTransport(new EntropyDevice(source), memory, interrupts::incrementAndGet, warnings::add);
        MockMmioDriver driver = new MockMmioDriver(t);
        driver.bringUp(queue);
        return driver;
    }

    @Test
    void isDeviceFour() {
        assertEquals(4, new EntropyDevice(Channels.newChannel(new ByteArrayInputStream(new byte[0]))).deviceId());
    }

    @Test
    void fillsWritableBuffersFromTheSource() {
        byte[] source = pattern(1000);
        MockMmioDriver driver = bringUp(Channels.newChannel(new ByteArrayInputStream(source)));
        queue.addChain(Seg.writable(0x100000, 64), Seg.writable(0x200000, 36));
        driver.notifyQueue(0);
        assertEquals(1, queue.usedIdx());
        assertEquals(100, queue.usedLen(0));
        assertArrayEquals(java.util.Arrays.copyOfRange(source, 0, 64), memory.read(0x100000, 64));
        assertArrayEquals(java.util.Arrays.copyOfRange(source, 64, 100), memory.read(0x200000, 36));
        assertEquals(MmioRegisters.INT_USED_BUFFER, driver.read32(MmioRegisters.INTERRUPT_STATUS));
        assertTrue(interrupts.get() > 0);
    }

    @Test
    void aRequestGetsAtMost64KiB() {
        MockMmioDriver driver = bringUp(Channels.newChannel(new ByteArrayInputStream(pattern(1 << 20))));
        queue.addChain(Seg.writable(0x100000, 1 << 20));
        driver.notifyQueue(0);
        assertEquals(EntropyDevice.MAX_BYTES_PER_REQUEST, queue.usedLen(0));
        assertArrayEquals(new byte[16], memory.read(0x100000 + EntropyDevice.MAX_BYTES_PER_REQUEST, 16), "nothing past the cap");
    }

    @Test
    void anExhaustedSourceStopsTheDeviceInsteadOfReturningZeros() {
        MockMmioDriver driver = bringUp(Channels.newChannel(new ByteArrayInputStream(new byte[10])));
        queue.addChain(Seg.writable(0x100000, 64));
        driver.notifyQueue(0);
        assertEquals(0, queue.usedIdx());
        assertTrue((driver.read32(MmioRegisters.STATUS) & 0x40) != 0);
        assertEquals(1, warnings.size());
    }

    @Test
    void readableBuffersAreLeftAlone() {
        MockMmioDriver driver = bringUp(Channels.newChannel(new ByteArrayInputStream(pattern(100))));
        memory.write(0x100000, new byte[] {9, 9, 9, 9});
        queue.addChain(Seg.readable(0x100000, 4), Seg.writable(0x200000, 8));
        driver.notifyQueue(0);
        assertEquals(8, queue.usedLen(0));
        assertArrayEquals(new byte[] {9, 9, 9, 9}, memory.read(0x100000, 4));
    }
}
