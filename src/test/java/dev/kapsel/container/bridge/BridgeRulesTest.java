package dev.kapsel.container.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text of kapsel's nftables table: NAT out, a DNAT per published port, explicit forward accepts. */
class BridgeRulesTest {
    private static AddressPool.Lease lease(String address, String container, String... ports) {
        return new AddressPool.Lease(InetAddress.ofLiteral(address), 24, InetAddress.ofLiteral("10.87.0.1"), container,
                Path.of("/leases", address), List.of(ports).stream().map(PortMapping::parse).toList());
    }

    private static String table(AddressPool.Lease... leases) {
        return BridgeRules.table("kapsel0", (Inet4Address) InetAddress.ofLiteral("10.87.0.0"), 24, List.of(leases));
    }

    @Test
    void oneContainerPublishingTwoPorts() {
        assertEquals("""
                table ip kapsel
                delete table ip kapsel
                table ip kapsel {
                    chain prerouting {
                        type nat hook prerouting priority dstnat; policy accept;
                        fib daddr type local tcp dport 18080 dnat to 10.87.0.2:80 comment "c1"
                        ip daddr 127.0.0.1 udp dport 5353 dnat to 10.87.0.2:53 comment "c1"
                    }
                    chain output {
                        type nat hook output priority -100; policy accept;
                        fib daddr type local tcp dport 18080 dnat to 10.87.0.2:80 comment "c1"
                        ip daddr 127.0.0.1 udp dport 5353 dnat to 10.87.0.2:53 comment "c1"
                    }
                    chain postrouting {
                        type nat hook postrouting priority srcnat; policy accept;
                        ip saddr 10.87.0.0/24 ip daddr != 10.87.0.0/24 masquerade
                        oifname "kapsel0" ip saddr 127.0.0.0/8 masquerade
                    }
                    chain forward {
                        type filter hook forward priority filter; policy accept;
                        iifname "kapsel0" accept
                        oifname "kapsel0" ct state established,related accept
                        oifname "kapsel0" ip daddr 10.87.0.2 tcp dport 80 accept
                        oifname "kapsel0" ip daddr 10.87.0.2 udp dport 53 accept
                    }
                }
                """, table(lease("10.87.0.2", "c1", "18080:80", "127.0.0.1:5353:53/udp")));
    }

    @Test
    void containersWithoutPortsStillGetNatAndForwardingAndEachContainersPortsGoToItsAddress() {
        String t = table(lease("10.87.0.2", "a"), lease("10.87.0.3", "b", "8080:80"));
        assertTrue(t.contains("ip saddr 10.87.0.0/24 ip daddr != 10.87.0.0/24 masquerade\n"), t);
        assertTrue(t.contains("iifname \"kapsel0\" accept\n"), t);
        assertEquals(2, t.split("dnat to 10.87.0.3:80 comment \"b\"", -1).length - 1, t); // prerouting and output
        assertTrue(!t.contains("10.87.0.2:"), t);
    }

    @Test
    void theTableIsReplacedInOneTransactionAndDeletedWhetherOrNotItIsThere() {
        assertTrue(table(lease("10.87.0.2", "a")).startsWith("table ip kapsel\ndelete table ip kapsel\ntable ip kapsel {\n"));
        assertEquals("table ip kapsel\ndelete table ip kapsel\n", BridgeRules.deletion());
    }

    @Test
    void anIpv6HostAddressIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> table(lease("10.87.0.2", "a", "[::1]:8080:80")));
    }
}
