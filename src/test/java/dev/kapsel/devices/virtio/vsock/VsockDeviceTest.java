package dev.kapsel.devices.virtio.vsock;

import static dev.kapsel.devices.virtio.vsock.VsockHeader.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.devices.virtio.vsock.GuestVsock.Packet;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VsockDeviceTest {
    @TempDir
    Path dir;
    Path uds;
    GuestVsock guest;

    @BeforeEach
    void setUp() throws Exception {
        uds = dir.resolve("v.sock");
        guest = new GuestVsock(uds);
        guest.postRx(32);
    }

    @AfterEach
    void tearDown() throws Exception {
        guest.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static SocketChannel hostConnect(Path path) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(path));
        return c;
    }

    /** Reads from a blocking host socket until {@code n} bytes or EOF, with a timeout. */
    private static String hostRead(SocketChannel c, int n) throws Exception {
        c.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(n);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (buf.hasRemaining() && System.nanoTime() < deadline) {
            if (c.read(buf) < 0) {
                break;
            }
            Thread.sleep(1);
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    private Packet single(List<Packet> packets) {
        assertEquals(1, packets.size(), packets.toString());
        return packets.getFirst();
    }

    /** A host program says CONNECT 52; the guest accepts; returns the host socket and the host port. */
    private record HostStream(SocketChannel socket, int hostPort) {}

    private HostStream hostInitiated(int guestPort) throws Exception {
        SocketChannel host = hostConnect(uds);
        host.write(ByteBuffer.wrap(ascii("CONNECT " + guestPort + "\n")));
        Packet request = single(guest.awaitPackets());
        assertEquals(OP_REQUEST, request.header().op());
        assertEquals(VsockMuxer.HOST_CID, request.header().srcCid());
        assertEquals(GuestVsock.CID, request.header().dstCid());
        assertEquals(guestPort, request.header().dstPort());
        int hostPort = request.header().srcPort();
        guest.send(guest.header(guestPort, hostPort, OP_RESPONSE, 0, 1 << 20, 0), new byte[0]);
        guest.pump();
        assertEquals("OK " + hostPort + "\n", hostRead(host, ("OK " + hostPort + "\n").length()));
        return new HostStream(host, hostPort);
    }

    @Test
    void isDeviceNineteenWithTheGuestCidInItsConfiguration() {
        assertEquals(19, guest.device.deviceId());
        byte[] cid = new byte[8];
        guest.device.readConfig(0, cid);
        assertEquals(3, cid[0]);
        assertEquals(0, cid[1] | cid[2] | cid[3] | cid[4]);
        assertEquals(3, guest.device.queueMaxSizes().length);
    }

    @Test
    void reservedCidsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new VsockDevice(2, dir.resolve("x.sock")));
    }

    @Test
    void hostConnectReachesTheGuestAndBytesFlowBothWays() throws Exception {
        HostStream s = hostInitiated(52);
        s.socket().write(ByteBuffer.wrap(ascii("ping from host")));
        Packet data = single(guest.awaitPackets());
        assertEquals(OP_RW, data.header().op());
        assertEquals(52, data.header().dstPort());
        assertEquals("ping from host", new String(data.payload(), StandardCharsets.US_ASCII));

        guest.send(guest.header(52, s.hostPort(), OP_RW, 14, 1 << 20, 14), ascii("pong from gst!"));
        guest.pump();
        assertEquals("pong from gst!", hostRead(s.socket(), 14));
    }

    @Test
    void theGuestRefusingAHostConnectClosesIt() throws Exception {
        SocketChannel host = hostConnect(uds);
        host.write(ByteBuffer.wrap(ascii("CONNECT 99\n")));
        Packet request = single(guest.awaitPackets());
        guest.send(guest.header(99, request.header().srcPort(), OP_RST, 0, 0, 0), new byte[0]);
        guest.pump();
        assertEquals("", hostRead(host, 3)); // EOF, no OK
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void aBadConnectLineIsClosedWithoutReachingTheGuest() throws Exception {
        SocketChannel host = hostConnect(uds);
        host.write(ByteBuffer.wrap(ascii("HELLO 52\n")));
        for (int i = 0; i < 20; i++) {
            guest.pump();
            Thread.sleep(2);
        }
        assertEquals(List.of(), guest.received());
        assertEquals("", hostRead(host, 3));
    }

    @Test
    void connectLineParsing() {
        assertEquals(52, HostHandshake.parse("CONNECT 52").getAsInt());
        assertEquals(-1, HostHandshake.parse("CONNECT 4294967295\r").getAsInt());
        assertTrue(HostHandshake.parse("CONNECT 4294967296").isEmpty());
        assertTrue(HostHandshake.parse("CONNECT -1").isEmpty());
        assertTrue(HostHandshake.parse("CONNECT ").isEmpty());
        assertTrue(HostHandshake.parse("connect 52").isEmpty());
    }

    @Test
    void aGuestConnectToHostPortPReachesTheListenerOnUdsUnderscoreP() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(Path.of(uds + "_1234")));
            guest.send(guest.header(5000, 1234, OP_REQUEST, 0, 1 << 20, 0), new byte[0]);
            Packet response = single(guest.awaitPackets());
            assertEquals(OP_RESPONSE, response.header().op());
            assertEquals(1234, response.header().srcPort());
            assertEquals(5000, response.header().dstPort());
            SocketChannel accepted = listener.accept();

            guest.send(guest.header(5000, 1234, OP_RW, 5, 1 << 20, 0), ascii("hello"));
            guest.pump();
            assertEquals("hello", hostRead(accepted, 5));
            accepted.configureBlocking(true);
            accepted.write(ByteBuffer.wrap(ascii("world")));
            Packet back = single(guest.awaitPackets());
            assertEquals("world", new String(back.payload(), StandardCharsets.US_ASCII));
            assertEquals(5, back.header().fwdCnt()); // the 5 bytes we forwarded, told back to the guest

            // guest closes: SHUTDOWN both ways, answered with RST, host sees EOF
            guest.send(new VsockHeader(GuestVsock.CID, 2, 5000, 1234, 0, TYPE_STREAM, OP_SHUTDOWN,
                    SHUTDOWN_RCV | SHUTDOWN_SEND, 1 << 20, 5), new byte[0]);
            Packet rst = single(guest.awaitPackets());
            assertEquals(OP_RST, rst.header().op());
            assertEquals("", hostRead(accepted, 1));
            assertEquals(0, guest.device.connectionCount());
        }
    }

    @Test
    void aGuestConnectToAPortNobodyListensOnIsReset() throws Exception {
        guest.send(guest.header(5000, 4321, OP_REQUEST, 0, 1 << 20, 0), new byte[0]);
        Packet rst = single(guest.awaitPackets());
        assertEquals(OP_RST, rst.header().op());
        assertEquals(4321, rst.header().srcPort());
        assertEquals(5000, rst.header().dstPort());
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void theDeviceSendsNoMoreThanTheGuestsCredit() throws Exception {
        HostStream s = hostInitiated(52);
        // the guest now says it has only 10 bytes of buffer
        guest.send(guest.header(52, s.hostPort(), OP_CREDIT_UPDATE, 0, 10, 0), new byte[0]);
        guest.pump();
        s.socket().write(ByteBuffer.wrap(ascii("0123456789abcdefghij")));
        List<Packet> first = guest.awaitPackets();
        for (int i = 0; i < 10; i++) {
            guest.pump();
            first.addAll(guest.received());
        }
        assertEquals("0123456789", first.stream().map(p -> new String(p.payload(), StandardCharsets.US_ASCII))
                .reduce("", String::concat));
        // the guest consumed them: fwd_cnt 10 frees the credit again
        guest.send(guest.header(52, s.hostPort(), OP_CREDIT_UPDATE, 0, 10, 10), new byte[0]);
        List<Packet> second = guest.awaitPackets();
        assertEquals("abcdefghij", new String(second.getFirst().payload(), StandardCharsets.US_ASCII));
    }

    @Test
    void aCreditRequestIsAnsweredWithACreditUpdate() throws Exception {
        HostStream s = hostInitiated(52);
        guest.send(guest.header(52, s.hostPort(), OP_CREDIT_REQUEST, 0, 1 << 20, 0), new byte[0]);
        Packet update = single(guest.awaitPackets());
        assertEquals(OP_CREDIT_UPDATE, update.header().op());
        assertEquals(VsockConnection.BUF_ALLOC, update.header().bufAlloc());
    }

    @Test
    void aGuestIgnoringItsCreditIsReset() throws Exception {
        HostStream s = hostInitiated(52); // the host program never reads
        byte[] chunk = new byte[VsockDevice.MAX_PAYLOAD];
        Packet rst = null;
        for (int i = 0; i < 200 && rst == null; i++) {
            guest.send(guest.header(52, s.hostPort(), OP_RW, chunk.length, 1 << 20, 0), chunk);
            guest.pump();
            for (Packet p : guest.received()) {
                if (p.header().op() == OP_RST) {
                    rst = p;
                }
            }
        }
        assertNotNull(rst, "200 x 64 KiB without the host reading should exceed the 64 KiB credit");
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void creditUpdatesFollowForwardedData() throws Exception {
        HostStream s = hostInitiated(52);
        byte[] chunk = new byte[VsockConnection.BUF_ALLOC / 2];
        guest.send(guest.header(52, s.hostPort(), OP_RW, chunk.length, 1 << 20, 0), chunk);
        Packet update = single(guest.awaitPackets());
        assertEquals(OP_CREDIT_UPDATE, update.header().op());
        assertEquals(chunk.length, update.header().fwdCnt());
        assertEquals(chunk.length, hostRead(s.socket(), chunk.length).length());
    }

    @Test
    void badPacketsAreAnsweredWithRst() throws Exception {
        // data for no connection
        guest.send(guest.header(7, 8, OP_RW, 3, 0, 0), ascii("abc"));
        // an unknown op
        guest.send(guest.header(7, 8, 99, 0, 0, 0), new byte[0]);
        // a length beyond the buffers
        guest.send(guest.header(7, 8, OP_RW, 1000, 0, 0), ascii("abc"));
        // a length beyond any packet
        guest.send(guest.header(7, 8, OP_RW, -1, 0, 0), ascii("abc"));
        // a datagram type
        guest.send(new VsockHeader(GuestVsock.CID, 2, 7, 8, 0, 2, OP_REQUEST, 0, 0, 0), new byte[0]);
        // a RST for nothing: never answered
        guest.send(guest.header(7, 8, OP_RST, 0, 0, 0), new byte[0]);
        // too short for a header: nothing to answer
        guest.sendRaw(new byte[20]);
        List<Packet> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            guest.pump();
            got.addAll(guest.received());
        }
        assertEquals(5, got.size(), got.toString());
        for (Packet p : got) {
            assertEquals(OP_RST, p.header().op());
            assertEquals(8, p.header().srcPort());
            assertEquals(7, p.header().dstPort());
        }
        assertEquals(List.of(), guest.warnings);
        assertEquals(7, guest.tx.usedIdx(), "every transmit chain is returned");
    }

    @Test
    void dataOnAHostConnectBeforeTheResponseResetsIt() throws Exception {
        SocketChannel host = hostConnect(uds);
        host.write(ByteBuffer.wrap(ascii("CONNECT 52\n")));
        Packet request = single(guest.awaitPackets());
        guest.send(guest.header(52, request.header().srcPort(), OP_RW, 3, 1 << 20, 0), ascii("abc"));
        Packet rst = single(guest.awaitPackets());
        assertEquals(OP_RST, rst.header().op());
        assertEquals("", hostRead(host, 3));
    }

    @Test
    void connectionsAreLimited() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(Path.of(uds + "_80")), VsockMuxer.MAX_CONNECTIONS + 16);
            List<SocketChannel> accepted = new ArrayList<>();
            int responses = 0;
            int resets = 0;
            for (int port = 0; port <= VsockMuxer.MAX_CONNECTIONS; port++) {
                guest.send(guest.header(10_000 + port, 80, OP_REQUEST, 0, 1 << 20, 0), new byte[0]);
                guest.pump();
                listener.configureBlocking(false);
                SocketChannel c;
                while ((c = listener.accept()) != null) {
                    accepted.add(c);
                }
                for (Packet p : guest.received()) {
                    if (p.header().op() == OP_RESPONSE) {
                        responses++;
                    } else if (p.header().op() == OP_RST) {
                        resets++;
                    }
                }
                guest.postRx(1);
            }
            assertEquals(VsockMuxer.MAX_CONNECTIONS, responses);
            assertEquals(1, resets);
            assertEquals(VsockMuxer.MAX_CONNECTIONS, guest.device.connectionCount());
            for (SocketChannel c : accepted) {
                c.close();
            }
        }
    }

    @Test
    void aDeviceResetClosesEveryConnection() throws Exception {
        HostStream s = hostInitiated(52);
        guest.driver.write32(dev.kapsel.virtio.mmio.MmioRegisters.STATUS, 0);
        assertEquals(0, guest.device.connectionCount());
        assertEquals("", hostRead(s.socket(), 1));
    }
}
