package dev.kapsel.container.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases under the state directory: lowest free first, exhaustion, release, and a crashed holder's address coming back. */
class AddressPoolTest {
    @TempDir
    Path dir;

    @Test
    void leasesTheLowestFreeAddressesUntilExhaustedAndReusesReleasedOnes() throws Exception {
        AddressPool pool = new AddressPool(dir.resolve("leases"), "10.99.0.0", 29); // .1 gateway, .2-.6 containers
        assertEquals("10.99.0.1", pool.gateway().getHostAddress());
        List<AddressPool.Lease> leases = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leases.add(pool.allocate("c" + i, ProcessHandle.current()));
        }
        assertEquals(List.of("10.99.0.2", "10.99.0.3", "10.99.0.4", "10.99.0.5", "10.99.0.6"),
                leases.stream().map(l -> l.address().getHostAddress()).toList());
        assertEquals(29, leases.getFirst().prefix());
        AddressPool.ExhaustedException full = assertThrows(AddressPool.ExhaustedException.class,
                () -> pool.allocate("c5", ProcessHandle.current()));
        assertEquals("no free address in 10.99.0.0/29 (5 containers hold them all)", full.getMessage());
        pool.release(leases.get(2));
        pool.release(leases.get(2));
        assertEquals("10.99.0.4", pool.allocate("c6", ProcessHandle.current()).address().getHostAddress());
        // another pool object over the same directory (another kapsel process) sees the same leases
        assertThrows(AddressPool.ExhaustedException.class,
                () -> new AddressPool(dir.resolve("leases"), "10.99.0.0", 29).allocate("c7", ProcessHandle.current()));
    }

    @Test
    void theAddressOfAHolderThatDiedIsFreeAgain() throws Exception {
        AddressPool pool = new AddressPool(dir.resolve("leases"), "10.99.0.0", 30); // one container address: .2
        Process monitor = new ProcessBuilder("sleep", "600").start();
        AddressPool.Lease crashed = pool.allocate("crashed", monitor.toHandle());
        assertEquals("10.99.0.2", crashed.address().getHostAddress());
        assertThrows(AddressPool.ExhaustedException.class, () -> pool.allocate("other", ProcessHandle.current()));
        monitor.destroyForcibly();
        assertTrue(monitor.waitFor(10, TimeUnit.SECONDS));
        AddressPool.Lease again = pool.allocate("other", ProcessHandle.current());
        assertEquals("10.99.0.2", again.address().getHostAddress());
        assertTrue(Files.readString(again.file()).startsWith("other " + ProcessHandle.current().pid() + " "));
    }

    @Test
    void aPidThatNowNamesAnotherProcessDoesNotHoldTheLease() throws Exception {
        AddressPool pool = new AddressPool(dir.resolve("leases"), "10.99.0.0", 30);
        Files.createDirectories(dir.resolve("leases"));
        // our own pid with a start time that is not ours: the holder that wrote it is gone
        Files.writeString(dir.resolve("leases/10.99.0.2"), "old " + ProcessHandle.current().pid() + " 12345\n");
        assertEquals("new", pool.allocate("new", ProcessHandle.current()).container());
        assertFalse(Files.readString(dir.resolve("leases/10.99.0.2")).startsWith("old"));
    }

    @Test
    void aPoolIsAnIpv4NetworkWithoutHostBits() {
        assertThrows(IllegalArgumentException.class, () -> new AddressPool(dir, "10.99.0.1", 24));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool(dir, "fd00::", 64));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool(dir, "10.0.0.0", 8));
    }

    @Test
    void liveLeasesCarryTheirPortsAndADeadHoldersLeaseIsReclaimedOnTheWay() throws Exception {
        AddressPool pool = new AddressPool(dir.resolve("leases"), "10.99.0.0", 29);
        AddressPool.Lease web = pool.allocate("web", ProcessHandle.current(), List.of(PortMapping.parse("8080:80"),
                PortMapping.parse("127.0.0.1:53:53/udp")));
        Process monitor = new ProcessBuilder("sleep", "600").start();
        pool.allocate("gone", monitor.toHandle(), List.of(PortMapping.parse("9090:90")));
        monitor.destroyForcibly();
        assertTrue(monitor.waitFor(10, TimeUnit.SECONDS));
        List<AddressPool.Lease> live = pool.live();
        assertEquals(List.of("web"), live.stream().map(AddressPool.Lease::container).toList());
        assertEquals(web.ports(), live.getFirst().ports());
        assertFalse(Files.exists(dir.resolve("leases/10.99.0.3")), "the dead holder's lease is removed");
        pool.release(web);
        assertEquals(List.of(), pool.live());
    }

    @Test
    void aContainerIsNamedByAWord() {
        AddressPool pool = new AddressPool(dir.resolve("leases"), "10.99.0.0", 29);
        assertThrows(IllegalArgumentException.class, () -> pool.allocate("a b\nport 1:1", ProcessHandle.current()));
    }
}
