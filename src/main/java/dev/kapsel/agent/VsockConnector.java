package dev.kapsel.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens a stream to a guest vsock port through the VMM's Unix socket, Firecracker's way: connect,
 * write {@code CONNECT <port>\n}, read {@code OK <host port>\n}; what follows is the guest's stream.
 * The VMM closes the connection when nothing listens on the port (the agent not up yet), so
 * {@link #connectAgent} retries until a deadline.
 */
public final class VsockConnector {
    /** The vsock port the agent listens on by default. */
    public static final int AGENT_PORT = 1024;
    private static final int MAX_REPLY = 32;

    private VsockConnector() {}

    /** One attempt: the connected channel after a successful handshake. */
    public static SocketChannel connect(Path uds, int port) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(uds));
            ch.write(ByteBuffer.wrap(("CONNECT " + Integer.toUnsignedString(port) + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            StringBuilder reply = new StringBuilder();
            ByteBuffer one = ByteBuffer.allocate(1);
            // byte by byte, so nothing after the newline (the guest's first bytes) is consumed here
            while (true) {
                one.clear();
                if (ch.read(one) < 0) {
                    throw new VsockConnectException(uds, port, reply.isEmpty()
                            ? "the VMM closed the connection (nothing listens on the port yet?)"
                            : "the VMM's reply ended early: '" + reply + "'");
                }
                char c = (char) (one.get(0) & 0xff);
                if (c == '\n') {
                    break;
                }
                if (reply.length() >= MAX_REPLY) {
                    throw new VsockConnectException(uds, port, "the VMM's reply is longer than " + MAX_REPLY + " bytes");
                }
                reply.append(c);
            }
            if (!reply.toString().matches("OK \\d{1,10}")) {
                throw new VsockConnectException(uds, port, "the VMM answered '" + reply + "' instead of 'OK <port>'");
            }
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e instanceof VsockConnectException ? e : new VsockConnectException(uds, port, e.getMessage());
        }
    }

    /** Connects to the agent on the port and says HELLO, retrying every 20 ms until the timeout passes. */
    public static AgentClient connectAgent(Path uds, int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return AgentClient.connect(connect(uds, port));
            } catch (VsockConnectException | AgentClosedException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
