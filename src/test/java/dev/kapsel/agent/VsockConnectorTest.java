package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host side of Firecracker's vsock handshake, against a stand-in VMM socket that answers like
 * the VMM (refusing the first attempts, as while the guest boots) and then splices to a real agent.
 */
@Timeout(30)
class VsockConnectorTest {
    @TempDir
    Path dir;

    /** Accepts connections; refuses the first {@code refusals}, then answers reply and splices to the agent. */
    private Thread fakeVmm(ServerSocketChannel server, int refusals, String reply, GuestAgentProcess agent,
                           AtomicInteger requestedPort) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int n = 0; ; n++) {
                    SocketChannel host = server.accept();
                    String line = readLine(host);
                    requestedPort.set(Integer.parseInt(line.substring("CONNECT ".length())));
                    if (n < refusals) {
                        host.close();
                        continue;
                    }
                    host.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
                    SocketChannel guest = agent.openChannel();
                    splice(host, guest);
                    splice(guest, host);
                }
            } catch (IOException e) {
                // the test is over
            }
        });
    }

    private static String readLine(SocketChannel ch) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException("closed");
            }
            if (one.get(0) == '\n') {
                return sb.toString();
            }
            sb.append((char) one.get(0));
        }
    }

    private static void splice(SocketChannel from, SocketChannel to) {
        Thread.ofPlatform().daemon().start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            try {
                while (from.read(buf.clear()) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed
            }
        });
    }

    @Test
    void retriesUntilTheGuestListensThenSpeaksTheProtocol() throws Exception {
        Path uds = dir.resolve("vmm.sock");
        AtomicInteger port = new AtomicInteger();
        try (GuestAgentProcess agent = GuestAgentProcess.start(dir);
             ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(uds));
            fakeVmm(server, 3, "OK 1073741824\n", agent, port);
            try (AgentClient client = VsockConnector.connectAgent(uds, VsockConnector.AGENT_PORT, Duration.ofSeconds(10))) {
                assertEquals(1024, port.get());
                AgentProcess p = client.start(ProcessSpec.of("/bin/echo", "through vsock").build());
                assertEquals("through vsock\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(ExitStatus.exited(0), p.waitFor());
            }
        }
    }

    @Test
    void aWrongReplyIsATypedErrorNamingIt() throws Exception {
        Path uds = dir.resolve("vmm.sock");
        try (GuestAgentProcess agent = GuestAgentProcess.start(dir);
             ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(uds));
            fakeVmm(server, 0, "NOPE\n", agent, new AtomicInteger());
            VsockConnectException e = assertThrows(VsockConnectException.class, () -> VsockConnector.connect(uds, 1024));
            assertTrue(e.getMessage().contains("'NOPE'"), e.getMessage());
            assertEquals(1024, e.port());
        }
    }

    @Test
    void givesUpAfterTheTimeout() throws Exception {
        Path uds = dir.resolve("vmm.sock");
        try (GuestAgentProcess agent = GuestAgentProcess.start(dir);
             ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(uds));
            fakeVmm(server, Integer.MAX_VALUE, "", agent, new AtomicInteger());
            long t0 = System.nanoTime();
            VsockConnectException e = assertThrows(VsockConnectException.class,
                    () -> VsockConnector.connectAgent(uds, 1024, Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - t0 >= 300_000_000L);
            assertTrue(e.getMessage().contains("nothing listens"), e.getMessage());
        }
    }
}
