package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.agent.NetworkConfig.Interface;
import dev.kapsel.agent.NetworkConfig.Neighbour;
import dev.kapsel.agent.NetworkConfig.Prefix;
import dev.kapsel.agent.NetworkConfig.Route;
import dev.kapsel.testing.TestNetns;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NETWORK: its encoding, hostile payloads against the Java decoder and the real agent (malformed ones
 * close the connection, refused ones do not, and neither changes anything), and the real agent
 * configuring a veth in a network namespace of the test's own (root only) as it configures a guest NIC.
 */
@Timeout(120)
class AgentNetworkTest {
    private static final byte[] MAC = {0x02, 0x42, 0x0a, 0x58, 0x00, 0x05};

    @TempDir
    Path dir;

    private static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    static NetworkConfig config(byte[] mac) {
        return new NetworkConfig(List.of(new Interface(mac, 1400,
                List.of(new Prefix(ip("10.88.0.5"), 16), new Prefix(ip("fd00::5"), 64)),
                List.of(new Route(new Prefix(ip("10.99.0.0"), 16), null), new Route(new Prefix(ip("0.0.0.0"), 0), ip("10.88.0.1"))),
                List.of(new Neighbour(ip("10.88.0.1"), new byte[] {2, 0, 0, 0, 0, 1})))));
    }

    @Test
    void theEncodingIsTheDocumentedLayout() throws Exception {
        byte[] one = new NetworkConfig(List.of(new Interface(MAC, 1500, List.of(new Prefix(ip("10.0.0.2"), 24)),
                List.of(new Route(new Prefix(ip("0.0.0.0"), 0), ip("10.0.0.1"))), List.of()))).encode();
        assertEquals("00000001" + "02420a580005" + "000005dc" + "00000001" + "04" + "0a000002" + "18"
                + "00000001" + "04" + "00000000" + "00" + "01" + "0a000001" + "00000000", HexFormat.of().formatHex(one));
        NetworkConfig c = config(MAC);
        NetworkConfig back = NetworkConfig.decode(c.encode());
        assertArrayEquals(c.encode(), back.encode());
        assertEquals(c.interfaces().getFirst().routes(), back.interfaces().getFirst().routes());
    }

    @Test
    void hostilePayloadsAreMalformedNeverAnOtherException() {
        byte[] good = config(MAC).encode();
        for (int cut = 0; cut < good.length; cut++) {
            byte[] shorter = Arrays.copyOf(good, cut);
            assertThrows(MalformedPayloadException.class, () -> NetworkConfig.decode(shorter), "cut at " + cut);
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(MalformedPayloadException.class, () -> NetworkConfig.decode(trailing));
        assertTrue(assertThrows(MalformedPayloadException.class, () -> NetworkConfig.decode(hex("00000009"))).getMessage()
                .contains("claims 9 interfaces"));
        assertTrue(assertThrows(MalformedPayloadException.class, () -> NetworkConfig.decode(hex("ffffffff"))).getMessage()
                .contains("claims"));
        byte[] family5 = good.clone();
        family5[4 + 6 + 4 + 4] = 5; // the first address's family
        assertThrows(MalformedPayloadException.class, () -> NetworkConfig.decode(family5));
        Random random = new Random(12);
        for (int i = 0; i < 2000; i++) {
            byte[] b = good.clone();
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            try {
                NetworkConfig.decode(b);
            } catch (MalformedPayloadException expected) {
                // every refusal is this one type
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Interface(MAC, 67, List.of(), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Prefix(ip("10.0.0.1"), 33));
        assertThrows(IllegalArgumentException.class, () -> new Route(new Prefix(ip("::"), 0), ip("10.0.0.1")));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static List<Frame> exchange(GuestAgentProcess agent, byte[] bytes, boolean close) throws Exception {
        try (SocketChannel ch = agent.openChannel()) {
            ch.write(ByteBuffer.wrap(bytes));
            if (close) {
                ch.shutdownOutput();
            }
            InputStream in = Channels.newInputStream(ch);
            List<Frame> frames = new ArrayList<>();
            for (Frame f; (f = Frame.readFrom(in)) != null; ) {
                frames.add(f);
                if (!close && frames.size() == 2) {
                    break;
                }
            }
            return frames;
        }
    }

    private static int code(Frame f) {
        assertEquals(FrameType.ERROR, f.type(), f.toString());
        return ByteBuffer.wrap(f.payload()).getShort() & 0xffff;
    }

    private static String message(Frame f) {
        ByteBuffer b = ByteBuffer.wrap(f.payload());
        b.getShort();
        byte[] m = new byte[b.getInt()];
        b.get(m);
        return new String(m, StandardCharsets.UTF_8);
    }

    @Test
    void theRealAgentClosesOnMalformedPayloadsAndRefusesAnUnknownMacWithoutClosing() throws Exception {
        byte[] hello = AgentProtocolErrorsTest.frame(0x01, 0, new byte[] {0, 1, 0, 1});
        byte[] good = config(MAC).encode();
        try (GuestAgentProcess agent = GuestAgentProcess.start(dir)) {
            for (byte[] bad : List.of(Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 3), hex("00000009"),
                    hex("ffffffff"), hex("00000001" + "020000000001" + "000005dc" + "00000021"))) {
                List<Frame> frames = exchange(agent, AgentProtocolErrorsTest.concat(hello, AgentProtocolErrorsTest.frame(0x08, 3, bad)), true);
                assertEquals(ErrorCode.MALFORMED.code(), code(frames.getLast()), frames + " " + message(frames.getLast()));
            }
            byte[] family5 = good.clone();
            family5[4 + 6 + 4 + 4] = 5;
            List<Frame> f5 = exchange(agent, AgentProtocolErrorsTest.concat(hello, AgentProtocolErrorsTest.frame(0x08, 3, family5)), true);
            assertEquals("NETWORK address family 5 (4 or 6)", message(f5.getLast()));
            // a MAC no NIC has (this host's): refused before anything changes, and the connection goes on
            byte[] nobody = {0x02, 0x6b, 0x61, 0x70, 0x73, 0x6c};
            try (AgentClient c = agent.connect()) {
                AgentErrorException e = assertThrows(AgentErrorException.class, () -> c.configureNetwork(config(nobody)));
                assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
                assertTrue(e.getMessage().contains("no network interface with MAC 02:6b:61:70:73:6c"), e.getMessage());
                byte[] mtu = hex("00000001" + "026b6170736c" + "00000010" + "00000000" + "00000000" + "00000000");
                c.send(new Frame(FrameType.NETWORK, 99, mtu));
                AgentProcess p = c.start(ProcessSpec.of("/bin/sh", "-c", "exit 0").env("PATH=/bin").build());
                assertEquals(0, p.waitFor().value(), "the connection still serves after two refused NETWORK requests");
            }
            assertTrue(agent.isAlive());
        }
    }

    @Test
    void theRealAgentConfiguresTheNicWithThisMacInItsNetworkNamespace() throws Exception {
        assumeTrue(TestNetns.possible(), "needs root for a network namespace");
        try (TestNetns ns = TestNetns.create("agent")) {
            ns.ip("link", "add", "eth0", "address", "02:42:0a:58:00:05", "type", "veth", "peer", "name", "peer0");
            ns.ip("link", "set", "peer0", "up");
            try (GuestAgentProcess agent = GuestAgentProcess.start(dir, "ip", "netns", "exec", ns.name());
                 AgentClient c = agent.connect()) {
                c.configureNetwork(config(MAC));
                AgentErrorException twice = assertThrows(AgentErrorException.class, () -> c.configureNetwork(new NetworkConfig(List.of(
                        new Interface(MAC, 1400, List.of(), List.of(new Route(new Prefix(ip("0.0.0.0"), 0), ip("192.0.2.1"))), List.of())))));
                assertEquals(ErrorCode.INTERNAL, twice.code());
                assertTrue(twice.getMessage().contains("cannot add route 0.0.0.0/0 via 192.0.2.1 on eth0: "), twice.getMessage());
            }
            String addr = ns.ip("addr", "show", "dev", "eth0");
            assertTrue(addr.contains("mtu 1400") && addr.contains("inet 10.88.0.5/16") && addr.contains("inet6 fd00::5/64"), addr);
            assertTrue(addr.contains("state UP") || addr.contains(",UP"), addr);
            assertTrue(ns.ip("link", "show", "dev", "lo").contains("UP"), "lo is up");
            String routes = ns.ip("route", "show");
            assertTrue(routes.contains("default via 10.88.0.1 dev eth0") && routes.contains("10.99.0.0/16 dev eth0"), routes);
            String neigh = ns.ip("neigh", "show", "dev", "eth0");
            assertTrue(neigh.contains("10.88.0.1 lladdr 02:00:00:00:00:01 PERMANENT"), neigh);
        }
    }
}
