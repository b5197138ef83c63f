package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.agent.NetworkConfig;
import dev.kapsel.devices.virtio.net.TapBackend;
import dev.kapsel.sys.NetNamespace;
import dev.kapsel.sys.Tap;
import dev.kapsel.testing.TestNetns;
import dev.kapsel.vmm.NetConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guest joined to an engine-made namespace, against the live kernel in a namespace of the test's
 * own, set up as podman's netavark or CNI's bridge plugin leave it (a veth eth0 with an address, a
 * default route, a permanent neighbour); and what a failure leaves behind: nothing.
 */
class NamespaceAttachmentTest {
    /** The container's namespace; the veth's other end is in {@code bridge}, where an engine's bridge would be. */
    private static TestNetns engineNamespace(String tag, TestNetns bridge) throws Exception {
        TestNetns ns = TestNetns.create(tag);
        ns.ip("link", "add", "eth0", "mtu", "1450", "address", "02:42:0a:58:00:05", "type", "veth", "peer", "name", "br-end",
                "netns", bridge.name());
        bridge.ip("link", "set", "br-end", "up");
        ns.ip("addr", "add", "10.88.0.5/16", "dev", "eth0");
        ns.ip("link", "set", "eth0", "up");
        ns.ip("route", "add", "default", "via", "10.88.0.1");
        ns.ip("neigh", "add", "10.88.0.1", "lladdr", "02:00:00:00:00:01", "dev", "eth0", "nud", "permanent");
        return ns;
    }

    @Test
    void eachVethGetsATapRedirectedBothWaysAndTheGuestItsConfiguration() throws Exception {
        assumeTrue(TestNetns.possible(), "needs root for a network namespace");
        try (TestNetns bridge = TestNetns.create("bridge"); TestNetns ns = engineNamespace("attach", bridge)) {
            List<GuestInterface> nics;
            try (NamespaceAttachment a = NamespaceAttachment.attach(ns.path())) {
                nics = a.interfaces();
                assertEquals(List.of(new GuestInterface("tap0_kapsel", "eth0", "02:42:0a:58:00:05", 1450,
                        List.of(new GuestInterface.Address("10.88.0.5", 16)),
                        List.of(GuestInterface.Route.defaultVia("10.88.0.1")),
                        List.of(new GuestInterface.Neighbour("10.88.0.1", "02:00:00:00:00:01")))), nics);
                String filters = ns.exec("tc", "filter", "show", "dev", "eth0", "ingress")
                        + ns.exec("tc", "filter", "show", "dev", "tap0_kapsel", "ingress");
                assertTrue(filters.contains("Egress Redirect to device tap0_kapsel") && filters.contains("Egress Redirect to device eth0"),
                        filters);
                assertTrue(ns.ip("link", "show", "tap0_kapsel").contains("mtu 1450"));
                // what the VM and the agent are given
                NetConfig nic = VmIsolation.netConfigs(nics, ns.path()).getFirst();
                assertEquals(ns.path(), nic.namespace());
                assertEquals("tap0_kapsel", nic.tap());
                NetworkConfig.Interface guest = VmIsolation.agentNetwork(nics).interfaces().getFirst();
                assertEquals(1450, guest.mtu());
                assertEquals(List.of(new NetworkConfig.Route(new NetworkConfig.Prefix(InetAddress.ofLiteral("0.0.0.0"), 0),
                        InetAddress.ofLiteral("10.88.0.1"))), guest.routes());
            }
            assertFalse(ns.ip("link", "show").contains("tap0_kapsel"), "the tap is gone");
            assertFalse(ns.exec("tc", "qdisc", "show", "dev", "eth0").contains("ingress"), "the veth's qdisc is gone");
        }
    }

    /**
     * Frames cross the join both ways: the tap's frames (virtio-net headers and all) are copied to and
     * from a tap in a third namespace that plays the guest, with the veth's MAC and address; a ping
     * from the bridge side is answered by that "guest" (a VM's NIC does what the copying thread does).
     */
    @Test
    void framesCrossTheJoinBothWays() throws Exception {
        assumeTrue(TestNetns.possible(), "needs root for a network namespace");
        try (TestNetns bridge = TestNetns.create("bridge"); TestNetns ns = engineNamespace("flow", bridge);
             TestNetns guest = TestNetns.create("guest")) {
            bridge.ip("addr", "add", "10.88.0.1/16", "dev", "br-end");
            try (NamespaceAttachment a = NamespaceAttachment.attach(ns.path());
                 Tap vm = dev.kapsel.sys.NetNamespace.call(ns.path(), () -> Tap.open("tap0_kapsel", 12));
                 Tap nic = dev.kapsel.sys.NetNamespace.call(guest.path(), () -> Tap.open("gnic", 12))) {
                guest.ip("link", "set", "gnic", "address", "02:42:0a:58:00:05");
                guest.ip("addr", "add", "10.88.0.5/16", "dev", "gnic");
                guest.ip("link", "set", "gnic", "up");
                Thread copy = Thread.ofPlatform().daemon().start(() -> {
                    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                        java.lang.foreign.MemorySegment buf = arena.allocate(65536 + 12);
                        while (!Thread.currentThread().isInterrupted()) {
                            boolean moved = false;
                            for (Tap[] pair : new Tap[][] {{vm, nic}, {nic, vm}}) {
                                int n = pair[0].read(buf);
                                if (n > 0) {
                                    pair[1].write(buf.asSlice(0, n));
                                    moved = true;
                                }
                            }
                            if (!moved) {
                                Thread.sleep(1);
                            }
                        }
                    } catch (InterruptedException | RuntimeException done) {
                        // the test ended, or a tap closed under the thread
                    }
                });
                try {
                    String ping = bridge.exec("busybox", "ping", "-c", "2", "-W", "3", "10.88.0.5");
                    assertTrue(ping.contains("2 packets received"), ping);
                } finally {
                    copy.interrupt();
                    copy.join(5000);
                }
            }
        }
    }

    /**
     * The VMM takes the tap over (NetConfig.takeOver): once its fd closes the tap is gone even if the
     * attachment is never closed, as when {@code delete --force} or the OOM killer ends the monitor outright.
     */
    @Test
    void aTapTakenOverGoesWithTheVmmsFdWithoutAClose() throws Exception {
        assumeTrue(TestNetns.possible(), "needs root for a network namespace");
        try (TestNetns bridge = TestNetns.create("bridge"); TestNetns ns = engineNamespace("takeover", bridge)) {
            NamespaceAttachment attached = NamespaceAttachment.attach(ns.path());
            TapBackend vmm = NetNamespace.call(ns.path(), () -> TapBackend.open("tap0_kapsel", true));
            assertTrue(ns.ip("link", "show").contains("tap0_kapsel"), "the VMM holds the tap");
            vmm.close();
            assertFalse(ns.ip("link", "show").contains("tap0_kapsel"), "no tap once the VMM's fd is closed: " + ns.ip("link", "show"));
            attached.close();
        }
    }

    @Test
    void aVethThatCannotBeRedirectedIsOneErrorAndLeavesNoTap() throws Exception {
        assumeTrue(TestNetns.possible(), "needs root for a network namespace");
        try (TestNetns bridge = TestNetns.create("bridge"); TestNetns ns = engineNamespace("busy", bridge)) {
            ns.exec("tc", "qdisc", "add", "dev", "eth0", "ingress");
            ContainerStartException.Network e = assertThrows(ContainerStartException.Network.class,
                    () -> NamespaceAttachment.attach(ns.path()));
            assertTrue(e.getMessage().contains("interface eth0 cannot be redirected (an ingress qdisc)")
                    && e.getMessage().contains("EEXIST"), e.getMessage());
            assertFalse(ns.ip("link", "show").contains("_kapsel"), ns.ip("link", "show"));
            assertTrue(ns.exec("tc", "qdisc", "show", "dev", "eth0").contains("ingress"), "the engine's own qdisc stays");
        }
    }

    @Test
    void aMissingNamespaceIsOneErrorNamingTheConfigField() {
        ContainerStartException.Network e = assertThrows(ContainerStartException.Network.class,
                () -> NamespaceAttachment.attach(Path.of("/run/netns/kapsel-none-such")));
        assertEquals("network namespace /run/netns/kapsel-none-such (linux.namespaces[type=network].path) does not exist", e.getMessage());
    }
}
