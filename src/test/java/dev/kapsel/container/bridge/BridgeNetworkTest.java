package dev.kapsel.container.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.sys.NetNamespace;
import dev.kapsel.testing.TestNetns;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge network against the live kernel and nft, inside a network namespace of the test's own
 * (so the host's own kapsel0 and nftables are untouched): the bridge, a tap per container as its port,
 * the table with the container's DNAT; refusals that leave nothing; and the last container taking the
 * table with it. Needs root (skipped without), boots nothing.
 */
class BridgeNetworkTest {
    private static final String ID = "0123456789abcdef0123";
    private static final String OTHER = "fedcba9876543210fedc";

    @TempDir
    Path state;

    @Test
    void attachMakesBridgeTapLeaseAndRulesAndCloseTakesThemBack() throws Exception {
        assumeTrue(TestNetns.possible(), "needs root for a network namespace");
        try (TestNetns ns = TestNetns.create("bridge")) {
            BridgeNetwork network = new BridgeNetwork(state);
            NetNamespace.call(ns.path(), () -> {
                BridgeNetwork.Attachment a = network.attach(ID, List.of(PortMapping.parse("18080:80")));
                assertEquals("kt-0123456789ab", a.tap());
                assertEquals("10.87.0.2", a.lease().address().getHostAddress());
                assertEquals("10.87.0.1", a.lease().gateway().getHostAddress());
                assertTrue(ns.ip("addr", "show", "kapsel0").contains("inet 10.87.0.1/24"));
                assertTrue(ns.ip("link", "show", "kt-0123456789ab").contains("master kapsel0"));
                String rules = ns.exec("nft", "list", "table", "ip", "kapsel");
                assertTrue(rules.contains("dnat to 10.87.0.2:80"), rules);
                assertTrue(rules.contains("masquerade"), rules);
                assertEquals("1", ns.exec("cat", "/proc/sys/net/ipv4/ip_forward").strip());
                assertTrue(Files.exists(state.resolve("leases/10.87.0.2")));

                // the same host port again, and a port a program of the host holds: one error each, nothing left
                BridgeException twice = assertThrows(BridgeException.class,
                        () -> network.attach(OTHER, List.of(PortMapping.parse("18080:81"))));
                assertEquals("host port 18080/tcp is already published by container " + ID, twice.getMessage());
                try (ServerSocket held = new ServerSocket()) {
                    held.bind(new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 18081));
                    BridgeException taken = assertThrows(BridgeException.class,
                            () -> network.attach(OTHER, List.of(PortMapping.parse("18081:80"))));
                    assertTrue(taken.getMessage().startsWith("host port 18081/tcp cannot be published on 0.0.0.0: "), taken.getMessage());
                }
                assertThrows(BridgeException.class, () -> network.attach(OTHER, List.of(PortMapping.parse("9000:80"),
                        PortMapping.parse("127.0.0.1:9000:81"))));
                assertFalse(ns.ip("link", "show").contains("kt-fedcba987654"));
                assertEquals(List.of(ID), network.containers().stream().map(AddressPool.Lease::container).toList());

                a.close();
                a.close();
                assertFalse(ns.ip("link", "show").contains("kt-0123456789ab"));
                assertFalse(ns.exec("nft", "list", "tables").contains("kapsel"));
                assertEquals(List.of(), network.containers());
                return null;
            });
        }
    }
}
