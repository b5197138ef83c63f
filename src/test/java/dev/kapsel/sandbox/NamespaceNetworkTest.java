package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sandbox.net.NetworkMode;
import dev.kapsel.sys.NetNamespace;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a {@link NetworkMode.Namespace}, the sandbox's sockets are host sockets of that network
 * namespace (as an engine's config names it): a guest listener on 127.0.0.1 is reached from a client
 * in the namespace and not from the monitor's own namespace; busybox {@code ip addr} and glibc's
 * getifaddrs list the namespace's veth and its address over the emulated NETLINK_ROUTE, which refuses
 * changes (EPERM) and event groups. Needs root
 * (it makes a namespace with {@code ip netns add} and a veth pair in it), as the unit suite runs here and in CI.
 */
class NamespaceNetworkTest {
    private static final String ADDRESS = "10.251.7.2";

    @TempDir
    Path dir;
    private String name;
    private Path namespace;

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @BeforeEach
    void makeNamespace() throws Exception {
        name = "kt-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;
        ip("netns", "add", name);
        namespace = Path.of("/run/netns", name);
        ip("-n", name, "link", "set", "lo", "up");
        ip("-n", name, "link", "add", "kv0", "type", "veth", "peer", "name", "kv1");
        ip("-n", name, "addr", "add", ADDRESS + "/24", "dev", "kv0");
        ip("-n", name, "link", "set", "kv0", "up");
    }

    @AfterEach
    void removeNamespace() throws Exception {
        ip("netns", "del", name);
    }

    @Test
    @Timeout(120)
    void aGuestListenerIsOnTheNamespacesLoopbackNotTheMonitors() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("netecho", false));
        int port = 20000 + (int) (System.nanoTime() % 20000);
        CompletableFuture<GuestPrograms.Run> guest = CompletableFuture.supplyAsync(() -> {
            try {
                return GuestPrograms.run(root, false, c -> c.withNetwork(new NetworkMode.Namespace(namespace)),
                        "/bin/netecho", "serve", Integer.toString(port));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Socket client = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client == null && System.nanoTime() < deadline && !guest.isDone()) {
            client = NetNamespace.call(namespace, () -> {
                Socket s = new Socket();
                try {
                    s.connect(target, 1000);
                    return s;
                } catch (ConnectException e) {
                    s.close();
                    Thread.sleep(50); // not listening yet
                    return null;
                }
            });
        }
        String reply = null;
        if (client != null) {
            try (Socket s = client) {
                // the guest listens (and accepts only this client): the monitor's own loopback has no such port
                try (Socket outside = new Socket()) {
                    assertThrows(ConnectException.class, () -> outside.connect(target, 1000));
                }
                s.setSoTimeout(20_000);
                s.getOutputStream().write("in the namespace\n".getBytes(StandardCharsets.US_ASCII));
                reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            }
        }
        GuestPrograms.Run r = guest.get(60, TimeUnit.SECONDS);
        assertEquals("IN THE NAMESPACE\n", reply, r.describe());
        SandboxProgramsTest.assertAllPass(r, 10);
    }

    @Test
    @Timeout(120)
    void busyboxIpAddrListsTheNamespacesInterfaces() throws Exception {
        Path root = GuestPrograms.rootfs(dir);
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c.withNetwork(new NetworkMode.Namespace(namespace)),
                "/bin/busybox", "ip", "addr");
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertTrue(r.stdout().contains("inet " + ADDRESS + "/24"), r.describe());
        assertTrue(r.stdout().contains("kv0") && r.stdout().contains("kv1") && r.stdout().contains("lo:"), r.describe());
        assertTrue(r.stdout().contains("inet 127.0.0.1/8"), r.describe());
        assertTrue(r.stdout().contains("qlen 1000") && r.stderr().isEmpty(), "SIOCGIFTXQLEN is answered: " + r.describe());
        // busybox finds a link by name with ioctl(SIOCGIFINDEX) on an AF_UNIX socket
        GuestPrograms.Run link = GuestPrograms.run(root, false, c -> c.withNetwork(new NetworkMode.Namespace(namespace)),
                "/bin/busybox", "ip", "link", "show", "kv0");
        assertEquals(0, link.result().exitStatus(), link.describe());
        assertTrue(link.stdout().contains("kv0") && link.stdout().contains("link/ether") && !link.stdout().contains("kv1"),
                link.describe());
        GuestPrograms.Run down = GuestPrograms.run(root, false, c -> c.withNetwork(new NetworkMode.Namespace(namespace)),
                "/bin/busybox", "ip", "link", "set", "kv0", "down");
        assertTrue(down.result().exitStatus() != 0, "the program cannot change a link: " + down.describe());
        int flags = NetNamespace.call(namespace, () -> {
            try (var s = dev.kapsel.sys.NetlinkSocket.open()) {
                return s.links().stream().filter(l -> l.name().equals("kv0")).findFirst().orElseThrow().flags();
            }
        });
        assertEquals(1, flags & 1, "kv0 is still up in the namespace");
    }

    @Test
    @Timeout(120)
    void glibcGetifaddrsSeesTheVethsAddress() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("ifaddrs", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c.withNetwork(new NetworkMode.Namespace(namespace)),
                "/bin/ifaddrs");
        assertTrue(r.stdout().contains("IF kv0 " + ADDRESS + "/24 up"), r.describe());
        assertTrue(r.stdout().contains("IF lo 127.0.0.1/8 up"), r.describe());
        SandboxProgramsTest.assertAllPass(r, 8);
    }

    @Test
    void withoutANetworkThereIsNoNetlinkEither() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("ifaddrs", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c, "/bin/ifaddrs");
        assertTrue(r.stdout().contains("FAIL getifaddrs"), r.describe());
    }
}
