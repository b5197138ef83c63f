package dev.kapsel.devices.virtio.block;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.state.StateReader;
import dev.kapsel.state.StateWriter;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.MockVirtqueue.Seg;
import dev.kapsel.virtio.mmio.MmioRegisters;
import dev.kapsel.virtio.mmio.MockMmioDriver;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDeviceTest {
    static final long HEADER = 0x100000;
    static final long DATA = 0x200000;
    static final long STATUS = 0x300000;
    static final int SECTORS = 64;

    @TempDir
    Path dir;

    private final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), 4 << 20);
    private final MockVirtqueue queue = new MockVirtqueue(memory, 0x1000, 16);
    private MockMmioDriver driver;
    private Path image;

    private BlockDevice attach(boolean readOnly) throws Exception {
        image = dir.resolve("disk.img");
        byte[] content = new byte[SECTORS * 512];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i / 512);
        }
        Files.write(image, content);
        BlockDevice device = new BlockDevice(DiskImage.open(image, readOnly), "kapsel-test-disk");
        driver = new MockMmioDriver(new VirtioMmioTransport(device, memory, () -> {}, m -> {}));
        driver.bringUp(queue);
        return device;
    }

    private void header(int type, long sector) {
        memory.writeU32(HEADER, type);
        memory.writeU32(HEADER + 4, 0);
        memory.writeU64(HEADER + 8, sector);
        memory.writeU8(STATUS, 0xee);
    }

    private int request(int type, long sector, Seg... data) {
        return requestThrough(driver.transport(), type, sector, data);
    }

    @Test
    void aDiskRestoredWithARequestPendingFinishesItOnRenotify() throws Exception {
        attach(false);
        VirtioMmioTransport original = driver.transport();
        assertEquals(BlockRequest.S_OK, request(BlockRequest.T_IN, 1, Seg.writable(DATA, 512)));
        // a write the driver made available, then the snapshot before the device took it
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x77);
        memory.write(DATA, data);
        header(BlockRequest.T_OUT, 20);
        queue.addChain(Seg.readable(HEADER, 16), Seg.readable(DATA, 512), Seg.writable(STATUS, 1));
        StateWriter saved = new StateWriter();
        original.saveState(saved);

        VirtioMmioTransport restored = new VirtioMmioTransport(new BlockDevice(DiskImage.open(image, false), "kapsel-test-disk"),
                memory, () -> {}, m -> {});
        StateReader in = new StateReader(saved.toByteArray());
        restored.restoreState(in);
        in.end();
        assertEquals(original.status(), restored.status(), "Status comes back: the driver sees a live device");
        assertEquals(1, queue.usedIdx(), "nothing served before the re-notification");
        restored.renotify();
        assertEquals(2, queue.usedIdx(), "the pending request is served after the restore");
        assertEquals(BlockRequest.S_OK, memory.readU8(STATUS));
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(image), 20 * 512, 21 * 512));
        // and the restored device goes on taking new requests at the next ring position
        assertEquals(BlockRequest.S_OK, requestThrough(restored, BlockRequest.T_IN, 20, Seg.writable(DATA + 4096, 512)));
        assertEquals(3, queue.usedIdx());
        assertArrayEquals(data, memory.read(DATA + 4096, 512));
    }

    private int requestThrough(VirtioMmioTransport transport, int type, long sector, Seg... data) {
        header(type, sector);
        Seg[] chain = new Seg[data.length + 2];
        chain[0] = Seg.readable(HEADER, 16);
        System.arraycopy(data, 0, chain, 1, data.length);
        chain[chain.length - 1] = Seg.writable(STATUS, 1);
        queue.addChain(chain);
        transport.notifyQueue(0);
        return memory.readU8(STATUS);
    }

    @Test
    void configSpaceHoldsTheCapacityAndFeaturesMatchTheAttachment() throws Exception {
        BlockDevice device = attach(false);
        assertEquals(2, device.deviceId());
        byte[] cap = new byte[8];
        device.readConfig(0, cap);
        assertEquals(SECTORS, java.nio.ByteBuffer.wrap(cap).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        assertTrue(FeatureBits.has(device.features(), BlockDevice.F_FLUSH));
        assertFalse(FeatureBits.has(device.features(), BlockDevice.F_RO));
        assertTrue(FeatureBits.has(attach(true).features(), BlockDevice.F_RO));
    }

    @Test
    void readsSectorsIntoGuestBuffers() throws Exception {
        attach(false);
        assertEquals(BlockRequest.S_OK, request(BlockRequest.T_IN, 3, Seg.writable(DATA, 512), Seg.writable(DATA + 4096, 512)));
        assertEquals(1, queue.usedIdx());
        assertEquals(1025, queue.usedLen(0));
        byte[] expected3 = new byte[512];
        Arrays.fill(expected3, (byte) 3);
        byte[] expected4 = new byte[512];
        Arrays.fill(expected4, (byte) 4);
        assertArrayEquals(expected3, memory.read(DATA, 512));
        assertArrayEquals(expected4, memory.read(DATA + 4096, 512));
    }

    @Test
    void writesReachTheImageAndFlushSucceeds() throws Exception {
        attach(false);
        byte[] data = new byte[1024];
        Arrays.fill(data, (byte) 0x5a);
        memory.write(DATA, data);
        assertEquals(BlockRequest.S_OK, request(BlockRequest.T_OUT, 10, Seg.readable(DATA, 1024)));
        assertEquals(BlockRequest.S_OK, request(BlockRequest.T_FLUSH, 0));
        byte[] onDisk = Files.readAllBytes(image);
        assertArrayEquals(data, Arrays.copyOfRange(onDisk, 10 * 512, 12 * 512));
        assertEquals(9, onDisk[9 * 512 + 511]);
        assertEquals(12, onDisk[12 * 512]);
    }

    @Test
    void aReadOnlyDiskRefusesWrites() throws Exception {
        attach(true);
        byte[] before = Files.readAllBytes(image);
        assertEquals(BlockRequest.S_IOERR, request(BlockRequest.T_OUT, 0, Seg.readable(DATA, 512)));
        assertArrayEquals(before, Files.readAllBytes(image));
        assertEquals(BlockRequest.S_OK, request(BlockRequest.T_IN, 0, Seg.writable(DATA, 512)));
    }

    @Test
    void requestsPastTheEndAreRefusedAndNeverGrowTheFile() throws Exception {
        attach(false);
        assertEquals(BlockRequest.S_IOERR, request(BlockRequest.T_OUT, SECTORS - 1, Seg.readable(DATA, 1024)));
        assertEquals(BlockRequest.S_IOERR, request(BlockRequest.T_IN, SECTORS, Seg.writable(DATA, 512)));
        assertEquals(BlockRequest.S_IOERR, request(BlockRequest.T_OUT, -1L, Seg.readable(DATA, 512)));
        assertEquals(BlockRequest.S_IOERR, request(BlockRequest.T_OUT, Long.MAX_VALUE / 256, Seg.readable(DATA, 512)));
        assertEquals(SECTORS * 512L, Files.size(image));
        assertEquals(BlockRequest.S_OK, request(BlockRequest.T_IN, SECTORS - 1, Seg.writable(DATA, 512)));
    }

    @Test
    void getIdReturnsTheSerial() throws Exception {
        attach(false);
        assertEquals(BlockRequest.S_OK, request(BlockRequest.T_GET_ID, 0, Seg.writable(DATA, 20)));
        assertEquals("kapsel-test-disk", new String(memory.read(DATA, 16)));
        assertEquals(0, memory.readU8(DATA + 16));
        assertEquals(21, queue.usedLen(0));
    }

    @Test
    void badRequestsGetAStatusNotAStoppedDevice() throws Exception {
        attach(false);
        assertEquals(BlockRequest.S_UNSUPP, request(99, 0));
        assertEquals(BlockRequest.S_IOERR, request(BlockRequest.T_IN, 0, Seg.readable(DATA, 512)), "read into a readable buffer");
        // A header that is too short.
        queue.addChain(Seg.readable(HEADER, 8), Seg.writable(STATUS, 1));
        driver.notifyQueue(0);
        assertEquals(BlockRequest.S_IOERR, memory.readU8(STATUS));
        // No status byte at all: the chain comes back with nothing written.
        queue.addChain(Seg.readable(HEADER, 16));
        driver.notifyQueue(0);
        assertEquals(0, queue.usedLen(queue.usedIdx() - 1));
        assertEquals(0, driver.read32(MmioRegisters.STATUS) & 0x40);
    }
}
