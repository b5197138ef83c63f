package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.testing.TestNetns;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink requests byte by byte against the layouts in the kernel headers (written out here by
 * hand, little-endian as x86-64 sends them), and the same requests against the live kernel in a
 * network namespace of the test's own (root only; iproute2 makes the veth and reads back the result).
 */
class NetlinkSocketTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    @Test
    void theIngressQdiscRequestIsTcmsgWithHandleFfffAndParentIngress() {
        assertEquals(HexFormat.of().formatHex(hex("""
                30000000 2400 0506 07000000 00000000
                00000000 05000000 0000ffff f1ffffff 00000000
                0c00 0100 696e6772 65737300""")),
                HexFormat.of().formatHex(NetlinkSocket.ingressQdisc(Rtnetlink.RTM_NEWQDISC, 5).bytes(7)));
        // deleting asks for no creation flags
        assertEquals(0x0005, ByteBuffer.wrap(NetlinkSocket.ingressQdisc(Rtnetlink.RTM_DELQDISC, 5).bytes(1))
                .order(ByteOrder.LITTLE_ENDIAN).getShort(6));
    }

    @Test
    void theRedirectFilterIsU32MatchAllWithAMirredEgressRedirectThatStealsTheFrame() {
        assertEquals(HexFormat.of().formatHex(hex("""
                8c000000 2c00 0506 01000000 00000000
                00000000 05000000 00000000 0000ffff 00030000
                0800 0100 75333200
                6000 0200
                  2400 0500 | 01 00 01 00 | 0000 0000 0000 0000 | 00000000 | 00000000 00000000 00000000 00000000
                  3800 0700
                    3400 0100
                      0b00 0100 6d697272 65640000
                      2400 0200
                        2000 0200 | 00000000 00000000 04000000 00000000 00000000 | 01000000 09000000""")),
                HexFormat.of().formatHex(NetlinkSocket.redirectFilter(5, 9).bytes(1)));
    }

    @Test
    void setLinkChangesOnlyTheUpFlagAndSetsTheMtu() {
        assertArrayEquals(hex("""
                28000000 1000 0500 03000000 00000000
                00 00 0000 04000000 01000000 01000000
                0800 0400 dc050000"""), NetlinkSocket.setLinkRequest(4, true, 1500).bytes(3));
    }

    @Test
    void attributesThatOverrunTheirMessageAreRefused() {
        ByteBuffer b = ByteBuffer.wrap(hex("0800 0100 0000 0000 ff00 0200")).order(ByteOrder.LITTLE_ENDIAN);
        assertThrows(IllegalArgumentException.class, () -> NetlinkMessage.attributes(b, 0, 12));
        assertEquals(1, NetlinkMessage.attributes(b, 0, 8).size());
    }

    @Test
    void theLiveKernelListsTheVethAndJoinsATapToItBothWays() throws Exception {
        assumeTrue(TestNetns.possible(), "needs root for a network namespace");
        try (TestNetns ns = TestNetns.create("nl")) {
            ns.ip("link", "add", "veth0", "mtu", "1400", "address", "02:42:0a:58:00:05", "type", "veth", "peer", "name", "veth1");
            ns.ip("addr", "add", "10.88.0.5/16", "dev", "veth0");
            ns.ip("link", "set", "veth0", "up");
            ns.ip("link", "set", "veth1", "up");
            ns.ip("route", "add", "default", "via", "10.88.0.1");
            ns.ip("neigh", "add", "10.88.0.1", "lladdr", "02:00:00:00:00:01", "dev", "veth0", "nud", "permanent");
            Path path = ns.path();
            String shown = NetNamespace.call(path, () -> {
                try (NetlinkSocket nl = NetlinkSocket.open()) {
                    NetlinkSocket.Link veth = nl.links().stream().filter(l -> l.name().equals("veth0")).findFirst().orElseThrow();
                    assertEquals("veth", veth.kind());
                    assertEquals(1400, veth.mtu());
                    assertEquals("02:42:0a:58:00:05", HexFormat.ofDelimiter(":").formatHex(veth.mac()));
                    assertTrue(nl.links().stream().anyMatch(NetlinkSocket.Link::isLoopback));
                    assertTrue(nl.addresses().contains(new NetlinkSocket.IfAddress(veth.index(), InetAddress.ofLiteral("10.88.0.5"), 16,
                            Rtnetlink.RT_SCOPE_UNIVERSE)), nl.addresses().toString());
                    assertTrue(nl.routes().stream().anyMatch(r -> r.prefix() == 0 && r.gateway().equals(InetAddress.ofLiteral("10.88.0.1"))
                            && r.oif() == veth.index()), nl.routes().toString());
                    assertTrue(nl.neighbours().stream().anyMatch(n -> n.address().equals(InetAddress.ofLiteral("10.88.0.1"))
                            && n.state() == Rtnetlink.NUD_PERMANENT && n.mac()[5] == 1), nl.neighbours().toString());

                    try (Tap tap = Tap.open("tap0_kt", 12)) {
                        tap.persist(true);
                    }
                    int tap = nl.links().stream().filter(l -> l.name().equals("tap0_kt")).findFirst().orElseThrow().index();
                    nl.setLink(tap, true, 1400);
                    nl.addIngressQdisc(veth.index());
                    nl.addIngressQdisc(tap);
                    nl.addRedirect(veth.index(), tap);
                    nl.addRedirect(tap, veth.index());
                    SyscallException twice = assertThrows(SyscallException.class, () -> nl.addIngressQdisc(tap));
                    assertEquals(Errno.EEXIST, twice.errno(), twice.getMessage());
                    assertEquals(1400, nl.links().stream().filter(l -> l.index() == tap).findFirst().orElseThrow().mtu());
                    return ns.exec("tc", "filter", "show", "dev", "veth0", "ingress")
                            + ns.exec("tc", "filter", "show", "dev", "tap0_kt", "ingress");
                }
            });
            assertTrue(shown.contains("mirred (Egress Redirect to device tap0_kt) stolen"), shown);
            assertTrue(shown.contains("mirred (Egress Redirect to device veth0) stolen"), shown);
            assertTrue(shown.contains("match 00000000/00000000 at 0"), shown);
            NetNamespace.call(path, () -> {
                try (NetlinkSocket nl = NetlinkSocket.open()) {
                    int veth = nl.links().stream().filter(l -> l.name().equals("veth0")).findFirst().orElseThrow().index();
                    int tap = nl.links().stream().filter(l -> l.name().equals("tap0_kt")).findFirst().orElseThrow().index();
                    nl.deleteLink(tap);
                    nl.deleteIngressQdisc(veth);
                    assertFalse(nl.links().stream().anyMatch(l -> l.name().equals("tap0_kt")));
                }
                return null;
            });
            assertFalse(ns.exec("tc", "qdisc", "show", "dev", "veth0").contains("ingress"));
            assertThrows(SyscallException.class, () -> NetNamespace.call(Path.of("/run/netns/kapsel-no-such-ns"), () -> null));
        }
    }
}
