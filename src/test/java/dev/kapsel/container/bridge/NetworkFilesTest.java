package dev.kapsel.container.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guest's resolv.conf and hosts on the bridge: which nameservers, which names. */
class NetworkFilesTest {
    @Test
    void theHostsNameserversUnlessTheyAreLoopbackThenTheFallback() {
        assertEquals(List.of("192.168.1.1", "9.9.9.9"),
                NetworkFiles.nameservers(List.of(), "# x\nnameserver 192.168.1.1\nnameserver 127.0.0.53\nnameserver 9.9.9.9\n"));
        assertEquals(NetworkFiles.FALLBACK_DNS, NetworkFiles.nameservers(List.of(), "nameserver 127.0.0.53\nsearch lan\n"));
        assertEquals(NetworkFiles.FALLBACK_DNS, NetworkFiles.nameservers(List.of(), null));
        assertEquals(List.of("10.0.0.53"), NetworkFiles.nameservers(List.of("10.0.0.53"), "nameserver 192.168.1.1\n"));
    }

    @Test
    void resolvConfKeepsTheHostsSearchAndOptions() {
        assertEquals("# written by kapsel for the bridge network\nsearch lan\noptions ndots:2\nnameserver 1.1.1.1\n",
                NetworkFiles.resolvConf(List.of("1.1.1.1"), "nameserver 127.0.0.53\nsearch lan\noptions ndots:2\n"));
    }

    @Test
    void hostsHasLocalhostTheContainerAndTheAddedHosts() {
        assertEquals("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.87.0.2\tweb\n10.0.0.7\tdb\nfd00:0:0:0:0:0:0:1\tv6\n",
                NetworkFiles.hosts("web", InetAddress.ofLiteral("10.87.0.2"),
                        List.of(NetworkFiles.HostEntry.parse("db:10.0.0.7"), NetworkFiles.HostEntry.parse("v6:fd00::1"))));
    }

    @Test
    void badFlagsAreOneErrorEach() {
        assertEquals("--add-host 'db': expected NAME:IP",
                assertThrows(IllegalArgumentException.class, () -> NetworkFiles.HostEntry.parse("db")).getMessage());
        assertEquals("--add-host 'db:example.com': 'example.com' is not a numeric IP address",
                assertThrows(IllegalArgumentException.class, () -> NetworkFiles.HostEntry.parse("db:example.com")).getMessage());
        assertEquals("--dns 'dns.google' is not a numeric IP address",
                assertThrows(IllegalArgumentException.class, () -> NetworkFiles.dnsServer("dns.google")).getMessage());
    }
}
