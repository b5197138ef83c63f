package dev.kapsel.devices.virtio.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.MockVirtqueue.Seg;
import dev.kapsel.virtio.mmio.MockMmioDriver;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetDeviceTest {
    private static final byte[] MAC = {0x06, 0, (byte) 0xac, 0x10, 0, 2};

    /** A backend that hands out queued frames and records what it was sent. */
    static final class FakeBackend implements NetBackend {
        final ArrayDeque<byte[]> incoming = new ArrayDeque<>();
        final List<byte[]> sent = new ArrayList<>();
        final Set<NetOffload> offloads;
        final List<Set<NetOffload>> receiveOffloads = new ArrayList<>();

        FakeBackend(Set<NetOffload> offloads) {
            this.offloads = offloads;
        }

        @Override
        public Set<NetOffload> offloads() {
            return offloads;
        }

        @Override
        public void setReceiveOffloads(Set<NetOffload> allowed) {
            receiveOffloads.add(Set.copyOf(allowed));
        }

        @Override
        public int read(MemorySegment buffer) {
            byte[] next = incoming.poll();
            if (next == null) {
                return -1;
            }
            MemorySegment.copy(next, 0, buffer, ValueLayout.JAVA_BYTE, 0, next.length);
            return next.length;
        }

        @Override
        public void write(MemorySegment frame) throws IOException {
            sent.add(frame.toArray(ValueLayout.JAVA_BYTE));
        }

        @Override
        public int pollFd() {
            return -1;
        }
    }

    private final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), 4 << 20);
    private final MockVirtqueue rx = new MockVirtqueue(memory, 0x1000, 16);
    private final MockVirtqueue tx = new MockVirtqueue(memory, 0x4000, 16);
    private final FakeBackend backend = new FakeBackend(Set.of());
    private final NetDevice device = new NetDevice(backend, MAC);
    private final List<String> warnings = new ArrayList<>();
    private MockMmioDriver driver;

    @BeforeEach
    void bringUp() {
        driver = new MockMmioDriver(new VirtioMmioTransport(device, memory, () -> {}, warnings::add));
        driver.negotiate(driver.deviceFeatures());
        driver.setUpQueue(0, rx);
        driver.setUpQueue(1, tx);
        driver.driverOk();
    }

    private static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (i * 31 + seed);
        }
        return f;
    }

    private static byte[] withHeader(byte[] frame) {
        byte[] out = new byte[NetDevice.HEADER_SIZE + frame.length];
        System.arraycopy(frame, 0, out, NetDevice.HEADER_SIZE, frame.length);
        return out;
    }

    @Test
    void offersOnlyTheMacAndTheTransportFeatures() {
        assertEquals(1, device.deviceId());
        assertEquals(FeatureBits.TRANSPORT | FeatureBits.bit(NetDevice.F_MAC), device.features());
        byte[] config = new byte[8];
        device.readConfig(0, config);
        assertArrayEquals(MAC, Arrays.copyOf(config, 6));
        assertEquals(0, config[6] | config[7]);
    }

    @Test
    void aTransmittedFrameReachesTheBackendWithItsHeader() {
        byte[] packet = withHeader(frame(1000, 1));
        memory.write(0x100000, packet, 0, 12);
        memory.write(0x200000, packet, 12, 1000);
        tx.addChain(Seg.readable(0x100000, 12), Seg.readable(0x200000, 1000));
        driver.notifyQueue(NetDevice.TX_QUEUE);
        device.pump();
        assertEquals(1, backend.sent.size());
        assertArrayEquals(packet, backend.sent.getFirst());
        assertEquals(1, tx.usedIdx());
        assertEquals(1, device.counters().txFrames());
    }

    @Test
    void aTransmittedHeaderAskingForOffloadsIsDropped() {
        byte[] packet = withHeader(frame(100, 2));
        packet[0] = 1; // VIRTIO_NET_HDR_F_NEEDS_CSUM, not negotiated
        memory.write(0x100000, packet);
        tx.addChain(Seg.readable(0x100000, packet.length));
        byte[] gso = withHeader(frame(100, 3));
        gso[1] = 1; // VIRTIO_NET_HDR_GSO_TCPV4
        memory.write(0x110000, gso);
        tx.addChain(Seg.readable(0x110000, gso.length));
        device.pump();
        assertEquals(List.of(), backend.sent);
        assertEquals(2, device.counters().txOffloadNotNegotiated());
        assertEquals(2, tx.usedIdx(), "dropped frames' chains are still returned");
    }

    @Test
    void transmitChainsShorterThanAHeaderOrLongerThanTheLargestFrameAreDropped() {
        tx.addChain(Seg.readable(0x100000, 11));
        tx.addChain(Seg.readable(0x100000, 40_000), Seg.readable(0x200000, NetDevice.HEADER_SIZE + NetDevice.MAX_FRAME - 40_000 + 1));
        tx.addChain(Seg.readable(0x100000, 40_000), Seg.readable(0x200000, NetDevice.HEADER_SIZE + NetDevice.MAX_FRAME - 40_000));
        device.pump();
        assertEquals(2, device.counters().txBadLength());
        assertEquals(1, backend.sent.size());
        assertEquals(NetDevice.HEADER_SIZE + NetDevice.MAX_FRAME, backend.sent.getFirst().length);
        assertEquals(3, tx.usedIdx());
    }

    @Test
    void aReceivedFrameLandsInTheGuestBuffersWithNumBuffersOne() {
        byte[] packet = withHeader(frame(1500, 4));
        backend.incoming.add(packet);
        rx.addChain(Seg.writable(0x100000, 100), Seg.writable(0x200000, 1600));
        assertTrue(device.pump());
        assertEquals(1, rx.usedIdx());
        assertEquals(packet.length, rx.usedLen(0));
        byte[] got = new byte[packet.length];
        memory.read(0x100000, got, 0, 100);
        memory.read(0x200000, got, 100, packet.length - 100);
        assertEquals(1, memory.readU16(0x100000 + 10), "num_buffers");
        got[10] = 0;
        assertArrayEquals(packet, got);
    }

    @Test
    void aFrameWaitsForTheGuestsNextBufferAndStopsInputMeanwhile() {
        byte[] first = withHeader(frame(60, 5));
        byte[] second = withHeader(frame(70, 6));
        backend.incoming.add(first);
        backend.incoming.add(second);
        assertFalse(device.pump(), "no receive buffer: stop polling the tap");
        assertEquals(1, backend.incoming.size(), "one frame read and held, the other left in the backend");
        rx.addChain(Seg.writable(0x100000, 2048));
        driver.notifyQueue(NetDevice.RX_QUEUE);
        assertFalse(device.pump());
        assertEquals(1, rx.usedIdx());
        assertEquals(first.length, rx.usedLen(0));
        rx.addChain(Seg.writable(0x110000, 2048));
        assertTrue(device.pump());
        assertEquals(2, rx.usedIdx());
        assertEquals(second.length, rx.usedLen(1));
        assertArrayEquals(Arrays.copyOfRange(second, 12, second.length), memory.read(0x110000 + 12, 70));
    }

    @Test
    void aFrameLargerThanTheGuestsChainIsDroppedAndTheChainReturnedEmpty() {
        backend.incoming.add(withHeader(frame(1500, 7)));
        byte[] small = withHeader(frame(50, 8));
        backend.incoming.add(small);
        rx.addChain(Seg.writable(0x100000, 1000));
        rx.addChain(Seg.writable(0x110000, 1000));
        device.pump();
        assertEquals(2, rx.usedIdx());
        assertEquals(0, rx.usedLen(0));
        assertEquals(small.length, rx.usedLen(1));
        assertEquals(1, device.counters().rxDroppedTooSmall());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aReceiveChainWithDeviceReadableBuffersOnlyTakesNothing() {
        backend.incoming.add(withHeader(frame(64, 9)));
        rx.addChain(Seg.readable(0x100000, 4096));
        device.pump();
        assertEquals(1, rx.usedIdx());
        assertEquals(0, rx.usedLen(0));
        assertArrayEquals(new byte[64], memory.read(0x100000, 64), "a device-readable buffer is never written");
    }

    @Test
    void aMalformedRingStopsTheDeviceWithNeedsReset() {
        tx.writeDescriptor(0, 0x100000, 100, 1, 99); // NEXT to an index outside the table
        tx.publish(0);
        assertFalse(device.pump());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("outside the table"), warnings.toString());
        assertNotEquals(0, driver.read32(dev.kapsel.virtio.mmio.MmioRegisters.STATUS) & dev.kapsel.virtio.DeviceStatus.DEVICE_NEEDS_RESET);
    }

    /** A device on a backend carrying every offload, the driver accepting {@code accepted} of its features. */
    private record Offloading(NetDevice device, FakeBackend backend, MockVirtqueue rx, MockVirtqueue tx) {}

    private Offloading offloading(long accepted) {
        FakeBackend b = new FakeBackend(EnumSet.allOf(NetOffload.class));
        NetDevice d = new NetDevice(b, MAC);
        MockVirtqueue r = new MockVirtqueue(memory, 0x1000, 16);
        MockVirtqueue t = new MockVirtqueue(memory, 0x4000, 16);
        MockMmioDriver m = new MockMmioDriver(new VirtioMmioTransport(d, memory, () -> {}, warnings::add));
        m.negotiate(accepted & d.features());
        m.setUpQueue(0, r);
        m.setUpQueue(1, t);
        m.driverOk();
        return new Offloading(d, b, r, t);
    }

    private static long bits(int... features) {
        long b = FeatureBits.TRANSPORT;
        for (int f : features) {
            b |= FeatureBits.bit(f);
        }
        return b;
    }

    @Test
    void offloadsTheBackendCarriesAreOfferedInPairs() {
        NetDevice d = new NetDevice(new FakeBackend(EnumSet.allOf(NetOffload.class)), MAC);
        assertEquals(bits(NetDevice.F_MAC, NetDevice.F_CSUM, NetDevice.F_GUEST_CSUM, NetDevice.F_HOST_TSO4,
                NetDevice.F_GUEST_TSO4, NetDevice.F_HOST_TSO6, NetDevice.F_GUEST_TSO6), d.features());
        NetDevice noCsum = new NetDevice(new FakeBackend(EnumSet.of(NetOffload.TSO4)), MAC);
        assertEquals(bits(NetDevice.F_MAC), noCsum.features(), "TSO needs checksum offload");
    }

    @Test
    void theBackendIsToldWhichReceiveOffloadsTheGuestAcceptedAndNoneAfterReset() {
        Offloading o = offloading(bits(NetDevice.F_MAC, NetDevice.F_CSUM, NetDevice.F_GUEST_CSUM, NetDevice.F_GUEST_TSO4));
        assertEquals(List.of(EnumSet.of(NetOffload.CHECKSUM, NetOffload.TSO4)), o.backend().receiveOffloads);
        o.device().reset();
        assertEquals(Set.of(), o.backend().receiveOffloads.getLast());
    }

    private static byte[] header(int flags, int gsoType, int length, int seed) {
        byte[] packet = withHeader(frame(length, seed));
        packet[0] = (byte) flags;
        packet[1] = (byte) gsoType;
        return packet;
    }

    @Test
    void transmittedOffloadHeadersPassUnchangedOnlyWhenNegotiated() {
        Offloading o = offloading(bits(NetDevice.F_MAC, NetDevice.F_CSUM, NetDevice.F_HOST_TSO4));
        byte[] csum = header(1, 0, 100, 10);
        byte[] tso4 = header(1, 1, 30_000, 11);
        byte[] tso6 = header(1, 4, 30_000, 12); // HOST_TSO6 not accepted
        byte[] ecn = header(1, 0x81, 30_000, 13); // ECN never offered
        byte[] dataValid = header(2, 0, 100, 14); // a receive-only flag
        long at = 0x100000;
        for (byte[] p : List.of(csum, tso4, tso6, ecn, dataValid)) {
            memory.write(at, p);
            o.tx().addChain(Seg.readable(at, p.length));
            at += 0x10000;
        }
        o.device().pump();
        assertEquals(2, o.backend().sent.size());
        assertArrayEquals(csum, o.backend().sent.get(0));
        assertArrayEquals(tso4, o.backend().sent.get(1));
        assertEquals(3, o.device().counters().txOffloadNotNegotiated());
        assertEquals(5, o.tx().usedIdx());
    }

    @Test
    void receivedOffloadHeadersReachTheGuestOnlyWhenNegotiated() {
        Offloading o = offloading(bits(NetDevice.F_MAC, NetDevice.F_CSUM, NetDevice.F_GUEST_CSUM, NetDevice.F_GUEST_TSO4));
        byte[] tso4 = header(1, 1, 20_000, 20);
        byte[] tso6 = header(1, 4, 20_000, 21); // GUEST_TSO6 not accepted: queued before the tap was told
        o.backend().incoming.add(tso4);
        o.backend().incoming.add(tso6);
        o.rx().addChain(Seg.writable(0x100000, 65_562));
        o.rx().addChain(Seg.writable(0x200000, 65_562));
        o.device().pump();
        assertEquals(1, o.rx().usedIdx());
        byte[] got = memory.read(0x100000, tso4.length);
        assertEquals(1, got[10]);
        got[10] = 0;
        assertArrayEquals(tso4, got, "header and frame unchanged but for num_buffers");
        assertEquals(1, o.device().counters().rxOffloadNotNegotiated());
    }

    @Test
    void withoutGuestCsumDataValidIsClearedAndPartialChecksumsDropped() {
        backend.incoming.add(header(2, 0, 100, 30)); // DATA_VALID: a hint the guest may not take
        backend.incoming.add(header(1, 0, 100, 31)); // NEEDS_CSUM: the guest cannot finish it
        rx.addChain(Seg.writable(0x100000, 2048));
        rx.addChain(Seg.writable(0x110000, 2048));
        device.pump();
        assertEquals(1, rx.usedIdx());
        assertEquals(0, memory.read(0x100000, 1)[0], "flags cleared");
        assertEquals(1, device.counters().rxOffloadNotNegotiated());
    }
}
