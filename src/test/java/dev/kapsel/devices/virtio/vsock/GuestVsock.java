package dev.kapsel.devices.virtio.vsock;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.MockVirtqueue.Seg;
import dev.kapsel.virtio.mmio.MockMmioDriver;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's vsock driver in miniature, for tests: brings a {@link VsockDevice} up through the
 * virtio-mmio transport with three mock queues, posts receive buffers like Linux does (a 44-byte
 * header buffer and a 4 KiB data buffer per chain), sends packets on the transmit queue, and reads
 * back what the device put in the receive queue. {@link #pump} runs the device's I/O round on the
 * test thread instead of its I/O thread.
 */
final class GuestVsock implements AutoCloseable {
    static final long CID = 3;
    static final int RX_BUF = 4096;
    private static final int QSIZE = 64;
    private static final long RX_BUFFERS = 0x100000;
    private static final long TX_BUFFERS = 0x400000;
    private static final long TX_SLOT = 0x20000;

    /** A packet the device delivered. */
    record Packet(VsockHeader header, byte[] payload, long usedLength) {}

    final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), 16 << 20);
    final MockVirtqueue rx = new MockVirtqueue(memory, 0x1000, QSIZE);
    final MockVirtqueue tx = new MockVirtqueue(memory, 0x4000, QSIZE);
    final MockVirtqueue event = new MockVirtqueue(memory, 0x8000, QSIZE);
    final VsockDevice device;
    final VirtioMmioTransport transport;
    final MockMmioDriver driver;
    final List<String> warnings = new ArrayList<>();
    private int rxSeen;
    private int txSlot;

    GuestVsock(Path uds) throws Exception {
        device = new VsockDevice(CID, uds);
        transport = new VirtioMmioTransport(device, memory, () -> {}, warnings::add);
        driver = new MockMmioDriver(transport);
        driver.negotiate(driver.deviceFeatures());
        driver.setUpQueue(0, rx);
        driver.setUpQueue(1, tx);
        driver.setUpQueue(2, event);
        driver.driverOk();
    }

    /** Posts {@code n} receive chains (header buffer, 4 KiB buffer) and notifies. */
    void postRx(int n) {
        for (int i = 0; i < n; i++) {
            int head = rx.addChain(Seg.writable(0, 0), Seg.writable(0, 0)); // placeholders, rewritten below
            long base = RX_BUFFERS + head * 0x2000L;
            rx.writeDescriptor(head, base, VsockHeader.SIZE, 1 | 2, (head + 1) % QSIZE);
            rx.writeDescriptor((head + 1) % QSIZE, base + 0x100, RX_BUF, 2, 0);
        }
        driver.notifyQueue(VsockDevice.RX_QUEUE);
    }

    /** Sends one packet: header and payload in two device-readable buffers. */
    void send(VsockHeader h, byte[] payload) {
        long base = TX_BUFFERS + (txSlot++ % 16) * TX_SLOT;
        MemorySegment hdr = MemorySegment.ofArray(new byte[VsockHeader.SIZE]);
        h.encode(hdr);
        memory.write(base, hdr.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        memory.write(base + 0x100, payload);
        if (payload.length == 0) {
            tx.addChain(Seg.readable(base, VsockHeader.SIZE));
        } else {
            tx.addChain(Seg.readable(base, VsockHeader.SIZE), Seg.readable(base + 0x100, payload.length));
        }
        driver.notifyQueue(VsockDevice.TX_QUEUE);
    }

    /** Sends raw bytes as the whole (single-buffer) packet. */
    void sendRaw(byte[] bytes) {
        long base = TX_BUFFERS + (txSlot++ % 16) * TX_SLOT;
        memory.write(base, bytes);
        tx.addChain(Seg.readable(base, bytes.length));
        driver.notifyQueue(VsockDevice.TX_QUEUE);
    }

    VsockHeader header(int srcPort, int dstPort, int op, int len, int bufAlloc, int fwdCnt) {
        return new VsockHeader(CID, VsockMuxer.HOST_CID, srcPort, dstPort, len, VsockHeader.TYPE_STREAM, op, 0, bufAlloc, fwdCnt);
    }

    void pump() {
        device.pump();
    }

    /** Packets delivered since the last call. */
    List<Packet> received() {
        List<Packet> out = new ArrayList<>();
        while (rxSeen != rx.usedIdx()) {
            int head = rx.usedId(rxSeen);
            long len = Integer.toUnsignedLong(rx.usedLen(rxSeen));
            rxSeen = (rxSeen + 1) & 0xffff;
            long base = RX_BUFFERS + head * 0x2000L;
            if (len < VsockHeader.SIZE) {
                out.add(new Packet(null, new byte[0], len));
                continue;
            }
            VsockHeader h = VsockHeader.decode(MemorySegment.ofArray(memory.read(base, VsockHeader.SIZE)));
            out.add(new Packet(h, memory.read(base + 0x100, (int) (len - VsockHeader.SIZE)), len));
        }
        return out;
    }

    /** Pumps until at least one packet arrived or two seconds passed. */
    List<Packet> awaitPackets() throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        List<Packet> got = new ArrayList<>();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            pump();
            got.addAll(received());
            if (got.isEmpty()) {
                Thread.sleep(2);
            }
        }
        return got;
    }

    @Override
    public void close() throws Exception {
        device.close();
    }
}
