package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kapsel's own bridge network through {@code bin/kapsel}, in the harness (root in L1, no engine):
 * {@code run -d -p 18080:80} serves a file from the container's busybox httpd to L1 (at L1's bridge
 * address and at 127.0.0.1), the container fetches a file from a server on L1 at the gateway
 * 10.87.0.1, {@code --dns} and {@code --add-host} reach its /etc, {@code ps} shows the port, a second
 * container asking for the same port and a port spec that does not parse are refused with nothing
 * left, and {@code rm -f} takes tap, lease and table back. HTTP goes through busybox nc as HTTP/1.0
 * (Debian's static busybox wget segfaults).
 */
@Tag("guest")
class BridgeNetworkGuestTest {
    static final String GATEWAY = "10.87.0.1";
    static final String HOST_PORT = "18081";
    private static Path state;
    private static Process hostHttpd;

    @BeforeAll
    static void imageAndHostServer() throws Exception {
        state = Files.createTempDirectory("kapsel-bridge-state-");
        Files.createSymbolicLink(state.resolve("kernels"), StateDirectory.resolve().resolve("kernels"));
        ImageStore.open(state.resolve("images")).load(BusyboxImage.writeLayout(Files.createDirectory(state.resolve("layout"))), null);
        Path www = Files.createDirectories(state.resolve("host-www"));
        Files.writeString(www.resolve("host.txt"), "from-L1\n");
        hostHttpd = new ProcessBuilder("busybox", "httpd", "-f", "-p", "0.0.0.0:" + HOST_PORT, "-h", www.toString())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(state.resolve("host-httpd.log").toFile()).start();
    }

    @AfterAll
    static void stopHostServer() throws Exception {
        if (hostHttpd != null) {
            hostHttpd.destroy();
            hostHttpd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Guest.Result kapsel(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString()));
    }

    private static Guest.Result sh(String script) throws Exception {
        return Guest.run(List.of("/bin/sh", "-c", script));
    }

    /** A shell command printing the HTTP/1.0 answer of {@code host:port} for {@code path} (busybox's printf and nc). */
    static String httpGet(String host, String port, String path) {
        return "busybox printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 10 " + host + " " + port;
    }

    private static String fetchUntil(String host, String port, String path, String expected) throws Exception {
        String got = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!got.contains(expected) && System.nanoTime() < deadline) {
            got = sh(httpGet(host, port, path) + " 2>&1").stdout();
            if (!got.contains(expected)) {
                Thread.sleep(1000);
            }
        }
        return got;
    }

    private static String hostView() throws Exception {
        return sh("busybox ip addr; busybox ip route; nft list ruleset; ls -l " + state.resolve("network/kapsel0/leases")
                + "; cat /proc/sys/net/ipv4/ip_forward").stdout();
    }

    @Test
    void publishedPortServesL1TheContainerReachesL1AndRmTakesEverythingBack() throws Exception {
        String script = "busybox mkdir -p /www && echo served-by-kapsel > /www/index.html && busybox httpd -p 80 -h /www;"
                + " cat /etc/resolv.conf /etc/hosts;"
                + " " + httpGet(GATEWAY, HOST_PORT, "/host.txt") + " > /www/fetched; echo fetch=$?;"
                + " exec sleep 600";
        long t0 = System.nanoTime();
        Guest.Result run = kapsel("run", "-d", "--name", "web", "-p", "18080:80", "--dns", "10.87.0.1",
                "--add-host", "hostbox:10.87.0.1", BusyboxImage.NAME, "sh", "-c", script);
        long started = System.nanoTime();
        assertEquals(0, run.exitCode(), run.toString());
        String id = run.stdout().strip();
        try {
            String tap = "kt-" + id.substring(0, 12);
            assertTrue(sh("busybox ip link show " + tap).stdout().contains("master kapsel0"), hostView());
            String logs = "";
            for (int i = 0; i < 60 && !logs.contains("fetch="); i++) {
                Thread.sleep(1000);
                logs = kapsel("logs", "web").stdout();
            }
            assertTrue(logs.contains("fetch=0"), "the container's fetch from L1 at the gateway: " + logs + hostView());
            assertTrue(logs.contains("nameserver 10.87.0.1"), "--dns reached /etc/resolv.conf: " + logs);
            assertTrue(logs.contains("10.87.0.1\thostbox"), "--add-host reached /etc/hosts: " + logs);

            long s0 = System.nanoTime();
            String served = fetchUntil(GATEWAY, "18080", "/index.html", "served-by-kapsel");
            long firstAnswer = System.nanoTime();
            assertTrue(served.contains("served-by-kapsel"), "L1 -> 10.87.0.1:18080 -> the container's port 80: " + served + hostView());
            String loopback = fetchUntil("127.0.0.1", "18080", "/index.html", "served-by-kapsel");
            assertTrue(loopback.contains("served-by-kapsel"), "L1 -> 127.0.0.1:18080 -> the container: " + loopback + hostView());
            Guest.Result fetched = sh(httpGet(GATEWAY, "18080", "/fetched"));
            assertTrue(fetched.stdout().endsWith("\r\n\r\nfrom-L1\n"), "the container fetched L1's file: " + fetched);

            Guest.Result ps = kapsel("ps");
            assertTrue(ps.stdout().lines().anyMatch(l -> l.contains("0.0.0.0:18080->80/tcp") && l.endsWith("web")), ps.toString());
            assertTrue(ps.stdout().startsWith("CONTAINER ID") && ps.stdout().lines().findFirst().orElseThrow().contains("PORTS"), ps.toString());

            // the same host port again: one error, and nothing of the second container left
            Guest.Result twice = kapsel("run", "-d", "--name", "twice", "-p", "18080:81", BusyboxImage.NAME, "sleep", "60");
            assertEquals(125, twice.exitCode(), twice.toString());
            assertTrue(twice.stderr().contains("host port 18080/tcp is already published by container " + id), twice.toString());
            Guest.Result bad = kapsel("run", "-d", "-p", "80", BusyboxImage.NAME, "true");
            assertEquals(125, bad.exitCode(), bad.toString());
            assertTrue(bad.stderr().contains("published port '80': expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]"), bad.toString());
            assertEquals(1, sh("busybox ip link").stdout().split(" kt-", -1).length - 1, "one tap, the first container's: " + hostView());
            try (var leases = Files.list(state.resolve("network/kapsel0/leases"))) {
                assertEquals(1, leases.count(), hostView());
            }
            System.out.printf(Locale.ROOT, "run -d -p: %.1f s until started, first answer on the published port %.1f s after the fetch"
                    + " was seen%n", (started - t0) / 1e9, (firstAnswer - s0) / 1e9);
        } finally {
            Guest.Result rm = kapsel("rm", "-f", "web");
            assertEquals(0, rm.exitCode(), rm.toString());
        }
        boolean left = true;
        for (int i = 0; i < 30 && left; i++) {
            left = sh("busybox ip link; nft list tables").stdout().matches("(?s).*( kt-|table ip kapsel).*");
            if (left) {
                Thread.sleep(1000);
            }
        }
        assertFalse(left, "rm -f left a tap or the table: " + hostView());
        try (var leases = Files.list(state.resolve("network/kapsel0/leases"))) {
            assertEquals(0, leases.count(), hostView());
        }
    }

    /** Attached runs, timed: the first one warms the caches (root image, initramfs), then none and bridge alternate twice. */
    @Test
    void aForegroundRunWithTheBridgeAgainstOneWithout() throws Exception {
        assertEquals(0, kapsel("run", "--network", "none", BusyboxImage.NAME, "true").exitCode());
        StringBuilder times = new StringBuilder();
        double[] sum = new double[2];
        for (int round = 0; round < 2; round++) {
            for (int bridged = 0; bridged < 2; bridged++) {
                long t0 = System.nanoTime();
                Guest.Result r = bridged == 0 ? kapsel("run", "--network", "none", BusyboxImage.NAME, "true")
                        : kapsel("run", BusyboxImage.NAME, "true");
                double s = (System.nanoTime() - t0) / 1e9;
                assertEquals(0, r.exitCode(), r.toString());
                sum[bridged] += s;
                times.append(String.format(Locale.ROOT, " %s %.1f s", bridged == 0 ? "none" : "bridge", s));
            }
        }
        Guest.Result fetch = kapsel("run", BusyboxImage.NAME, "sh", "-c", httpGet(GATEWAY, HOST_PORT, "/host.txt"));
        assertEquals(0, fetch.exitCode(), fetch.toString());
        assertTrue(fetch.stdout().endsWith("\r\n\r\nfrom-L1\n"), "the attached container fetched from L1: " + fetch);
        assertFalse(sh("nft list tables").stdout().contains("kapsel"), "the table went with the last container");
        System.out.printf(Locale.ROOT, "kapsel run true (warm caches):%s; mean none %.1f s, bridge %.1f s (%+.1f s)%n", times,
                sum[0] / 2, sum[1] / 2, (sum[1] - sum[0]) / 2);
    }
}
