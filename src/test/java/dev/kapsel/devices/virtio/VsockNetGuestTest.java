package dev.kapsel.devices.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.initramfs.BusyboxInitramfs;
import dev.kapsel.initramfs.Initramfs;
import dev.kapsel.sys.Tap;
import dev.kapsel.testing.Guest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The stock Debian kernel drives kapsel's virtio-vsock and virtio-net devices: a host program reaches
 * a guest echo server through the vsock Unix socket with {@code CONNECT 52}, a guest program reaches a
 * host listener on {@code <uds>_1025}; over a tap, guest and host ping each other and move data both
 * ways over TCP, 16 MiB each by default, with matching MD5 sums. Only addresses on the host's own tap are used.
 */
@Tag("guest")
class VsockNetGuestTest {
    private static final String CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off quiet";
    private static final List<String> VSOCK_MODULES = List.of(
            "drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko",
            "net/vmw_vsock/vsock.ko", "net/vmw_vsock/vmw_vsock_virtio_transport_common.ko",
            "net/vmw_vsock/vmw_vsock_virtio_transport.ko");
    private static final List<String> NET_MODULES = List.of(
            "drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko",
            "net/core/failover.ko", "drivers/net/net_failover.ko", "drivers/net/virtio_net.ko");

    private static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Guest.tempDir();
    }

    private static Path initramfs(String name, List<String> modules, String script, List<Path> programs) throws Exception {
        Path moduleDir = Guest.kernels().defaultModules().orElseThrow().resolve("kernel");
        StringBuilder init = new StringBuilder("""
                mount -t proc proc /proc
                mount -t sysfs sys /sys
                mount -t devtmpfs dev /dev
                """);
        for (String m : modules) {
            String file = Path.of(m).getFileName().toString();
            init.append("insmod /modules/").append(file).append(" || echo INSMOD-FAILED ").append(file).append('\n');
        }
        init.append(script).append("poweroff -f\n");
        Initramfs image = BusyboxInitramfs.withInit(init.toString());
        for (String m : modules) {
            image.copy(moduleDir.resolve(m), "modules/" + Path.of(m).getFileName(), 0644);
        }
        for (Path p : programs) {
            image.copy(p, p.getFileName().toString(), 0755);
        }
        Path out = dir.resolve(name + ".cpio.gz");
        image.writeTo(out);
        return out;
    }

    /** A running {@code kapsel vm run}, its output collected in files. */
    private record Vm(Process process, Path stdout, Path stderr) {
        String out() throws IOException {
            return Files.readString(stdout) + "\n--- stderr ---\n" + Files.readString(stderr);
        }

        int await() throws Exception {
            if (!process.waitFor(Guest.BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("VM timed out:\n" + out());
            }
            return process.exitValue();
        }
    }

    private static Vm start(String name, Path initrd, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString(), "vm", "run",
                "--kernel", Guest.vmlinux().toString(), "--initrd", initrd.toString(), "--cmdline", CMDLINE));
        cmd.addAll(List.of(extra));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Vm(p, out, err);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }


    @Test
    void aHostProgramReachesAGuestListenerAndTheGuestReachesAHostListener() throws Exception {
        Path echo = VsockGuestPrograms.executable("vsock-echo");
        Path connect = VsockGuestPrograms.executable("vsock-connect");
        Path initrd = initramfs("vsock", VSOCK_MODULES, """
                /vsock-echo 52 &
                echo_pid=$!
                /vsock-connect 2 1025 "hello from the guest"
                wait $echo_pid
                """, List.of(echo, connect));
        Path uds = dir.resolve("v.sock");

        // the host listener for guest-initiated connections to host port 1025
        ServerSocketChannel hostListener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        hostListener.bind(UnixDomainSocketAddress.of(Path.of(uds + "_1025")));
        CompletableFuture<String> guestSaid = CompletableFuture.supplyAsync(() -> {
            try (SocketChannel c = hostListener.accept()) {
                String got = new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.US_ASCII);
                c.write(ByteBuffer.wrap(("host heard: " + got).getBytes(StandardCharsets.US_ASCII)));
                return got;
            } catch (IOException e) {
                return "<" + e + ">";
            }
        });

        Vm vm = start("vsock", initrd, "--vsock", "uds=" + uds);
        byte[] payload = new byte[256 * 1024];
        new Random(52).nextBytes(payload);
        byte[] echoed = null;
        String ok = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Guest.BOOT_TIMEOUT_SECONDS);
        while (ok == null && System.nanoTime() < deadline && vm.process().isAlive()) {
            if (!Files.exists(uds)) {
                Thread.sleep(200);
                continue;
            }
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                try {
                    c.connect(UnixDomainSocketAddress.of(uds));
                } catch (java.net.ConnectException notYet) {
                    Thread.sleep(200); // the socket file exists before the VMM listens on it
                    continue;
                }
                c.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
                ok = VsockGuestPrograms.readLine(c);
                if (ok == null) {
                    Thread.sleep(200); // the guest is not listening yet: it answered RST
                    continue;
                }
                CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Channels.newInputStream(c).readAllBytes();
                    } catch (IOException e) {
                        return new byte[0];
                    }
                });
                OutputStream w = Channels.newOutputStream(c);
                w.write(payload);
                c.shutdownOutput();
                echoed = reader.get(120, TimeUnit.SECONDS);
            }
        }
        int exit = vm.await();
        String out = vm.out();
        hostListener.close();
        assertEquals(0, exit, out);
        assertTrue(ok != null && ok.matches("OK \\d+"), "no OK line: " + ok + "\n" + out);
        assertEquals(sha256(payload), sha256(echoed), "the echo differs\n" + out);
        assertTrue(out.contains("ECHO-DONE " + payload.length), out);
        assertEquals("hello from the guest", guestSaid.get(10, TimeUnit.SECONDS), out);
        assertTrue(out.contains("GUEST-GOT: host heard: hello from the guest"), out);
    }

    private static Guest.Result sh(String... cmd) throws Exception {
        return Guest.run(List.of(cmd));
    }

    /**
     * Bytes each way: 16 MiB, or {@code -Dkapsel.test.netMiB=N}. Enough to cross many rings' worth of
     * buffers and every offload path with checksums compared; throughput is bench/net's to measure (at
     * well under 1 MiB/s in the harness, 100 MiB each way took ten minutes of the CI run).
     */
    private static final int NET_MIB = Integer.getInteger("kapsel.test.netMiB", 16);
    private static final int CHUNK = 1 << 20;
    /** How long the whole tap test may take: both transfers at well under 1 MiB/s in the harness. */
    private static final long NET_TIMEOUT_SECONDS = 1200;

    /** Reads exactly {@code size} bytes and returns "md5 size" of them, or the first error. */
    private static String md5Of(InputStream in, long size) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            md5.update(buffer, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(md5.digest()) + " " + (size - left);
    }

    private static double mibPerSecond(String from, String to) {
        return NET_MIB / Math.max(0.01, Double.parseDouble(to) - Double.parseDouble(from));
    }

    @Test
    void theGuestPingsTheHostAndMovesDataBothWaysOverATap() throws Exception {
        String tap = "kt0";
        assertTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun on this host");
        // busybox ip has no "tuntap": make the tap persistent through kapsel's own Tap (needs root)
        try (Tap t = Tap.open(tap, 12)) {
            t.persist(true);
        }
        try {
            assertEquals(0, sh("ip", "addr", "add", "10.0.2.1/24", "dev", tap).exitCode());
            assertEquals(0, sh("ip", "link", "set", tap, "up").exitCode());
            long size = (long) NET_MIB * CHUNK;
            InetAddress host = InetAddress.getByName("10.0.2.1");
            try (ServerSocket fromGuestServer = new ServerSocket(5001, 4, host);
                 ServerSocket toGuestServer = new ServerSocket(5002, 4, host)) {
                CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                    try (Socket s = fromGuestServer.accept(); InputStream in = s.getInputStream()) {
                        return md5Of(in, size);
                    } catch (Exception e) {
                        return "<" + e + ">";
                    }
                });
                // host -> guest: NET_MIB different random MiB, summed as they are written
                CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> {
                    try (Socket s = toGuestServer.accept(); OutputStream o = s.getOutputStream()) {
                        MessageDigest md5 = MessageDigest.getInstance("MD5");
                        Random random = new Random(2);
                        byte[] chunk = new byte[CHUNK];
                        for (int i = 0; i < NET_MIB; i++) {
                            random.nextBytes(chunk);
                            md5.update(chunk);
                            o.write(chunk);
                        }
                        return HexFormat.of().formatHex(md5.digest()) + " " + size;
                    } catch (Exception e) {
                        return "<" + e + ">";
                    }
                });
                // guest -> host: one random MiB from the guest's /dev/urandom, NET_MIB times, summed
                // through a FIFO as nc sends it; the guest keeps nothing but the MiB
                Path initrd = initramfs("net", NET_MODULES, """
                        ip link set lo up
                        ip addr add 10.0.2.2/24 dev eth0
                        ip link set eth0 up
                        echo "mac: $(cat /sys/class/net/eth0/address)"
                        echo "features: $(cat /sys/bus/virtio/devices/*/features)"
                        ping -c 3 -W 5 10.0.2.1 && echo PING-OK
                        head -c %d /dev/urandom > /tmp/chunk
                        mkfifo /tmp/sum /tmp/count
                        md5sum < /tmp/sum > /tmp/sent.md5 &
                        t0=$(cut -d' ' -f1 /proc/uptime)
                        i=0
                        while [ $i -lt %d ]; do cat /tmp/chunk; i=$((i+1)); done | tee /tmp/sum | nc 10.0.2.1 5001
                        t1=$(cut -d' ' -f1 /proc/uptime)
                        wait
                        echo "sent-md5: $(cut -d' ' -f1 /tmp/sent.md5) %d"
                        wc -c < /tmp/count > /tmp/got.count &
                        nc 10.0.2.1 5002 | tee /tmp/count | md5sum > /tmp/got.md5
                        t2=$(cut -d' ' -f1 /proc/uptime)
                        wait
                        echo "got-md5: $(cut -d' ' -f1 /tmp/got.md5) $(cat /tmp/got.count)"
                        echo "times: $t0 $t1 $t2"
                        """.formatted(CHUNK, NET_MIB, size), List.of());
                Vm vm = start("net", initrd, "--memory", "512", "--net", "tap=" + tap + ",mac=06:00:ac:10:00:02");
                Guest.Result hostPing = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Guest.BOOT_TIMEOUT_SECONDS);
                while (vm.process().isAlive() && System.nanoTime() < deadline) {
                    hostPing = sh("ping", "-c", "1", "-W", "1", "10.0.2.2");
                    if (hostPing.exitCode() == 0) {
                        break;
                    }
                }
                if (!vm.process().waitFor(NET_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    vm.process().destroyForcibly().waitFor();
                    throw new AssertionError("VM timed out:\n" + vm.out());
                }
                String out = vm.out();
                assertEquals(0, vm.process().exitValue(), out);
                assertTrue(out.contains("mac: 06:00:ac:10:00:02"), out);
                assertTrue(out.contains("PING-OK"), out);
                assertTrue(hostPing != null && hostPing.exitCode() == 0, "the host could not ping the guest: " + hostPing + "\n" + out);
                String sentMd5 = out.lines().filter(l -> l.startsWith("sent-md5: ")).findFirst().orElse("sent-md5: none").substring(10);
                assertEquals(sentMd5, received.get(10, TimeUnit.SECONDS), out);
                assertTrue(out.contains("got-md5: " + sent.get(10, TimeUnit.SECONDS)), out);
                String[] t = out.lines().filter(l -> l.startsWith("times: ")).findFirst().orElseThrow().substring(7).trim().split(" ");
                System.out.printf(java.util.Locale.ROOT, "virtio-net over tap, %d MiB each way: guest->host %.1f s (%.2f MiB/s), host->guest %.1f s (%.2f MiB/s); %s%n",
                        NET_MIB, Double.parseDouble(t[1]) - Double.parseDouble(t[0]), mibPerSecond(t[0], t[1]),
                        Double.parseDouble(t[2]) - Double.parseDouble(t[1]), mibPerSecond(t[1], t[2]),
                        out.lines().filter(l -> l.startsWith("features: ")).findFirst().orElse("features: ?"));
            }
        } finally {
            try (Tap t = Tap.open(tap, 12)) {
                t.persist(false);
            }
        }
    }
}
