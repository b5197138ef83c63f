package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sandbox.net.NetworkMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --network host}, guest TCP and UDP sockets are host sockets: a C program in the
 * sandbox listens on 127.0.0.1 and a host Java client gets its echo; the same program connects to a
 * host TCP listener and exchanges a UDP datagram with a host socket. Loopback only.
 */
class HostNetworkTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(120)
    void hostClientGetsAnEchoFromAGuestListener() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("netecho", false));
        int port = freePort();
        CompletableFuture<GuestPrograms.Run> guest = CompletableFuture.supplyAsync(() -> {
            try {
                return GuestPrograms.run(root, false, c -> c.withNetwork(NetworkMode.HOST), "/bin/netecho", "serve", Integer.toString(port));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        String reply = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reply == null && System.nanoTime() < deadline && !guest.isDone()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(LOOPBACK, port), 1000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write("echo me\n".getBytes(StandardCharsets.US_ASCII));
                reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (java.net.ConnectException e) {
                Thread.sleep(50); // the guest is not listening yet
            }
        }
        GuestPrograms.Run r = guest.get(60, TimeUnit.SECONDS);
        assertEquals("ECHO ME\n", reply, r.describe());
        SandboxProgramsTest.assertAllPass(r, 10);
    }

    @Test
    @Timeout(120)
    void guestConnectsToHostListenersOverTcpAndUdp() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("netecho", false));
        try (ServerSocket tcp = new ServerSocket(0, 4, LOOPBACK);
             DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            CompletableFuture<Void> host = CompletableFuture.runAsync(() -> {
                try {
                    try (Socket s = tcp.accept()) { // closed after the reply: the guest reads to end of file
                        s.setSoTimeout(20_000);
                        byte[] line = new byte[64];
                        int n = 0;
                        while (n == 0 || line[n - 1] != '\n') {
                            int got = s.getInputStream().read(line, n, line.length - n);
                            if (got < 0) {
                                break;
                            }
                            n += got;
                        }
                        s.getOutputStream().write(new String(line, 0, n, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT)
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    ByteBuffer b = ByteBuffer.allocate(64);
                    var from = udp.receive(b);
                    b.flip();
                    String text = StandardCharsets.US_ASCII.decode(b).toString().toUpperCase(Locale.ROOT);
                    udp.send(StandardCharsets.US_ASCII.encode(text), from);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c.withNetwork(NetworkMode.HOST), "/bin/netecho", "connect",
                    Integer.toString(tcp.getLocalPort()), Integer.toString(udpPort));
            host.get(30, TimeUnit.SECONDS);
            SandboxProgramsTest.assertAllPass(r, 9);
            assertTrue(r.stdout().contains("PASS UDP reply from the host's port"), r.describe());
        }
    }

    @Test
    void withoutNetworkHostTheGuestGetsNoInetSockets() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("netecho", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c, "/bin/netecho", "serve", "0");
        assertTrue(r.stdout().contains("FAIL AF_INET stream socket"), r.describe());
        assertEquals(1, r.result().exitStatus(), r.describe());
    }
}
