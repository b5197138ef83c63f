package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.Guest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * podman runs a kapsel micro-VM in a network namespace made as an engine's network plugin makes one
 * (a veth eth0 with an address and a default route, its peer on the host, L1): the VM's NIC is joined
 * to the veth by tc redirects and the agent configures it, so the container's busybox httpd serves a
 * file to a client on L1 and the container fetches a file from an httpd on L1 (HTTP/1.0 over busybox nc).
 *
 * L1 has no CNI plugins or iptables, so the namespace is built here with busybox's {@code unshare}
 * and {@code ip} and handed to podman as {@code --network ns:PATH}; port publishing ({@code -p},
 * the engine's DNAT to that same veth address) is therefore not exercised in the harness.
 */
@Tag("guest")
class NetworkGuestTest {
    private static final String NS = "/run/netns/kapsel-net1";
    private static final String CONTAINER_IP = "10.89.0.5";
    private static final String HOST_IP = "10.89.0.1";
    private static final String HOST_PORT = "18081";
    private static Path hostWww;
    private static Process hostHttpd;

    private static Guest.Result sh(String script) throws Exception {
        return Guest.run(List.of("/bin/sh", "-c", script));
    }

    @BeforeAll
    static void namespaceAndHostServer() throws Exception {
        EnginesVmGuestTest.images();
        // the tc pieces are modules in the cloud kernel; modprobe may be absent where the kernel has them built in
        sh("for m in veth tun sch_ingress cls_u32 act_mirred; do modprobe $m 2>/dev/null; done; true");
        PodmanWithKapsel.ok(sh(String.join("\n",
                "set -e",
                "mkdir -p /run/netns && touch " + NS,
                "busybox unshare --net=" + NS + " true",
                // made inside: eth0 and its peer (busybox names it veth0), which then moves to L1 (PID 1's namespace)
                "busybox nsenter --net=" + NS + " /bin/sh -c '"
                        + "busybox ip link add eth0 type veth && busybox ip link set veth0 netns 1"
                        + " && busybox ip addr add " + CONTAINER_IP + "/24 dev eth0 && busybox ip link set eth0 up"
                        + " && busybox ip link set lo up && busybox ip route add default via " + HOST_IP + "'",
                "busybox ip link set veth0 name knet-host",
                "busybox ip addr add " + HOST_IP + "/24 dev knet-host",
                "busybox ip link set knet-host up")));
        hostWww = Files.createDirectories(EnginesVmGuestTest.work.resolve("host-www"));
        Files.writeString(hostWww.resolve("host.txt"), "from-L1\n");
        hostHttpd = new ProcessBuilder("busybox", "httpd", "-f", "-p", HOST_IP + ":" + HOST_PORT, "-h", hostWww.toString())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(EnginesVmGuestTest.work.resolve("host-httpd.log").toFile()).start();
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (hostHttpd != null) {
            hostHttpd.destroy();
            hostHttpd.waitFor(10, TimeUnit.SECONDS);
        }
        sh("busybox ip link del knet-host; umount " + NS + "; rm -f " + NS);
    }

    private static String inNamespace(String cmd) throws Exception {
        return sh("busybox nsenter --net=" + NS + " " + cmd).stdout();
    }

    /** A shell command printing the HTTP/1.0 answer of {@code host:port} for {@code path}. */
    static String httpGet(String host, String port, String path) {
        return "printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 10 " + host + " " + port;
    }

    /** What the guest, the namespace and L1 saw, for a container that does not answer. */
    private static String diagnostics() throws Exception {
        return "\nguest: " + EnginesVmGuestTest.podman.run("exec", "knet1", "sh", "-c", "busybox ip addr; busybox ip route; cat /proc/net/dev")
                + "\nnamespace: " + inNamespace("cat /proc/net/dev")
                + "\nL1: " + sh("busybox ping -c 2 -W 2 " + CONTAINER_IP + "; busybox ip neigh; cat /proc/net/dev").stdout();
    }

    @Test
    void theContainerServesL1AndFetchesFromL1ThroughTheEnginesNamespace() throws Exception {
        // httpd first (busybox's daemonizes; the agent reaps it), then the fetch from L1, its status in the logs. HTTP
        // requests go through busybox nc: Debian's busybox-static wget segfaults (static glibc's NSS), on any host
        String script = "mkdir -p /www && echo served-by-kapsel > /www/index.html && busybox httpd -p 80 -h /www;"
                + " " + httpGet(HOST_IP, HOST_PORT, "/host.txt") + " > /www/fetched; echo fetch=$?;"
                + " exec sleep 600";
        Process run = EnginesVmGuestTest.podman.startDetached("--network", "ns:" + NS, "--name", "knet1",
                EnginesVmGuestTest.PODMAN_IMAGE, "sh", "-c", script);
        long t0 = System.nanoTime();
        assertTrue(run.waitFor(Guest.BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), EnginesVmGuestTest.podman.detachedErrors());
        long created = System.nanoTime();
        try {
            // run -d returns once the OCI start has; the monitor boots the VM (and joins the namespace) after that
            // the guest boots under emulation here: wait for the container's fetch to have ended (its status in the logs)
            boolean tap = false;
            String logs = "";
            long booting = System.nanoTime() + TimeUnit.SECONDS.toNanos(Guest.BOOT_TIMEOUT_SECONDS);
            while (!logs.contains("fetch=") && System.nanoTime() < booting) {
                tap |= inNamespace("busybox ip link").contains("tap0_kapsel");
                Thread.sleep(2000);
                logs = EnginesVmGuestTest.podman.run("logs", "knet1").stdout();
            }
            long started = System.nanoTime();
            String served = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!served.contains("served-by-kapsel") && System.nanoTime() < deadline) {
                tap |= inNamespace("busybox ip link").contains("tap0_kapsel");
                served = sh(httpGet(CONTAINER_IP, "80", "/index.html") + " 2>&1").stdout();
                if (!served.contains("served-by-kapsel")) {
                    Thread.sleep(1000);
                }
            }
            long first = System.nanoTime();
            tap |= inNamespace("busybox ip link").contains("tap0_kapsel");
            assertTrue(served.contains("served-by-kapsel"), "HTTP from L1 to the container's httpd: " + served + "\nlinks: "
                    + inNamespace("busybox ip link") + "\nstate: " + EnginesVmGuestTest.podman.run("inspect", "-f", "{{.State.Status}}", "knet1")
                    + "\nlogs: " + EnginesVmGuestTest.podman.run("logs", "knet1") + diagnostics());
            assertTrue(tap, "the VM's tap sat in the engine's namespace");
            assertTrue(logs.contains("fetch=0"), "the container's fetch from L1: " + logs);
            Guest.Result fetched = sh(httpGet(CONTAINER_IP, "80", "/fetched"));
            assertTrue(fetched.stdout().startsWith("HTTP/1.") && fetched.stdout().endsWith("\r\n\r\nfrom-L1\n"),
                    "the container fetched L1's file (its answer, headers and all, served back): " + fetched);
            System.out.printf(java.util.Locale.ROOT, "podman run -d --network ns: %.1f s, the container's fetch done %.1f s later,"
                    + " first HTTP answer from the VM %.1f s after that%n", (created - t0) / 1e9, (started - created) / 1e9,
                    (first - started) / 1e9);
        } finally {
            long rm = System.nanoTime();
            EnginesVmGuestTest.podman.run("rm", "-f", "-t", "0", "knet1");
            System.out.printf(java.util.Locale.ROOT, "podman rm -f: %.1f s%n", (System.nanoTime() - rm) / 1e9);
        }
        boolean tapLeft = true;
        for (int i = 0; i < 60 && tapLeft; i++) {
            tapLeft = inNamespace("busybox ip link").contains("tap0_kapsel");
            if (tapLeft) {
                Thread.sleep(500);
            }
        }
        assertFalse(tapLeft, "the tap went with the container");
    }
}
