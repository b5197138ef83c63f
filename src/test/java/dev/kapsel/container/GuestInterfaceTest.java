package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.container.GuestInterface.Address;
import dev.kapsel.container.GuestInterface.Neighbour;
import dev.kapsel.container.GuestInterface.Route;
import dev.kapsel.host.Json;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The network part of the launch: what a guest interface may hold, and that it survives the monitor's request file. */
class GuestInterfaceTest {
    static GuestInterface eth0() {
        return new GuestInterface("kapseltap0", "eth0", "6a:1f:00:aa:10:02", 1500,
                List.of(new Address("10.88.0.5", 16), new Address("fd00::5", 64)),
                List.of(new Route("10.89.0.0", 16, "10.88.0.9"), Route.defaultVia("10.88.0.1"), Route.defaultVia("fd00::1")),
                List.of(new Neighbour("10.88.0.1", "02:00:00:00:00:01")));
    }

    @Test
    void anInterfaceKeepsItsAttachmentAndConfiguration() {
        GuestInterface i = eth0();
        assertArrayEquals(new byte[] {0x6a, 0x1f, 0, (byte) 0xaa, 0x10, 2}, i.macAddress());
        assertEquals("6a:1f:00:aa:10:02", GuestInterface.macString(i.macAddress()));
        assertEquals(new Route("0.0.0.0", 0, "10.88.0.1"), i.routes().get(1));
        assertEquals(new Route("::", 0, "fd00::1"), i.routes().get(2));
        assertTrue(i.routes().get(1).isDefault());
        assertFalse(i.routes().get(0).isDefault());
        assertEquals("[10.89.0.0/16 via 10.88.0.9, default via 10.88.0.1, default via fd00::1]", i.routes().toString());
    }

    @Test
    void badFieldsAreRefusedWithTheFieldNamed() {
        assertTrue(message(() -> new GuestInterface("t0", "eth0", "02:00:00:00:00:01", 67, null, null, null)).startsWith("interface t0: mtu 67"));
        assertTrue(message(() -> new GuestInterface("t0", null, "03:00:00:00:00:01", 1500, null, null, null)).contains("multicast"));
        assertTrue(message(() -> new GuestInterface("t0", null, "02:00:00:00:00", 1500, null, null, null)).startsWith("mac must"));
        assertTrue(message(() -> new GuestInterface("a-name-of-16-chr", null, "02:00:00:00:00:01", 1500, null, null, null))
                .startsWith("tap must"));
        assertTrue(message(() -> new GuestInterface("t0", "../x", "02:00:00:00:00:01", 1500, null, null, null)).startsWith("link must"));
        assertTrue(message(() -> new Address("10.0.0.1", 33)).contains("/33"));
        assertTrue(message(() -> new Address("example.com", 8)).contains("not a numeric"), "no name is ever resolved");
        assertTrue(message(() -> new Route("10.0.0.0", 8, "fd00::1")).contains("family"));
        assertTrue(message(() -> new Neighbour("10.0.0.1", "zz")).contains("mac must"));
        List<Address> many = Collections.nCopies(GuestInterface.MAX_ENTRIES + 1, new Address("10.0.0.1", 8));
        assertTrue(message(() -> new GuestInterface("t0", null, "02:00:00:00:00:01", 1500, many, null, null)).contains("at most 32 addresses"));
    }

    @Test
    void aNetworkNamespaceNeedsAnAbsolutePathAndNoneHasNoInterfaces() {
        assertTrue(message(() -> ContainerLaunch.Network.ofNamespace(Path.of("run/netns/x"))).contains("absolute"));
        assertTrue(message(() -> new ContainerLaunch.Network("none", null, List.of(eth0()), null, null)).contains("no interfaces"));
        List<GuestInterface> nine = Collections.nCopies(GuestInterface.MAX_INTERFACES + 1, eth0());
        assertTrue(message(() -> ContainerLaunch.Network.ofNamespace(Path.of("/run/netns/x")).withInterfaces(nine)).contains("at most 8"));
        assertTrue(ContainerLaunch.Network.NONE.isNone());
    }

    @Test
    void theNetworkRoundTripsThroughTheMonitorsJson() throws Exception {
        ContainerLaunch.Network n = new ContainerLaunch.Network("namespace", Path.of("/run/netns/n1"), List.of(eth0()),
                Path.of("/b/resolv.conf"), null);
        byte[] json = Json.RECORDS.writeValueAsBytes(n);
        assertEquals(n, Json.RECORDS.readValue(json, ContainerLaunch.Network.class));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
