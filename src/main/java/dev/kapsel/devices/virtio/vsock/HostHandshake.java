package dev.kapsel.devices.virtio.vsock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.OptionalInt;

/**
 * A host program that connected to the vsock Unix socket and has not yet finished its
 * {@code CONNECT <port>\n} line (Firecracker's host-initiated connection protocol). The line is read a
 * byte at a time so nothing after the newline is consumed: those bytes are the stream's first data.
 * At most {@link #MAX_LINE} bytes are read; a longer or malformed line closes the connection.
 */
final class HostHandshake {
    static final int MAX_LINE = 32;

    /** What reading the socket gave. */
    enum Progress { INCOMPLETE, DONE, FAILED }

    final SocketChannel channel;
    private final ByteBuffer one = ByteBuffer.allocate(1);
    private final StringBuilder line = new StringBuilder();
    private int port = -1;

    HostHandshake(SocketChannel channel) {
        this.channel = channel;
    }

    /** Reads what the socket has, up to the newline. */
    Progress read() {
        try {
            while (line.length() < MAX_LINE) {
                one.clear();
                int n = channel.read(one);
                if (n == 0) {
                    return Progress.INCOMPLETE;
                }
                if (n < 0) {
                    return Progress.FAILED;
                }
                char c = (char) (one.get(0) & 0xff);
                if (c == '\n') {
                    OptionalInt parsed = parse(line.toString());
                    if (parsed.isEmpty()) {
                        return Progress.FAILED;
                    }
                    port = parsed.getAsInt();
                    return Progress.DONE;
                }
                line.append(c);
            }
            return Progress.FAILED;
        } catch (IOException e) {
            return Progress.FAILED;
        }
    }

    /** The guest port asked for, once {@link #read} said DONE. */
    int port() {
        return port;
    }

    /** {@code CONNECT <decimal u32>} (a trailing CR tolerated) to the port; anything else is empty. */
    static OptionalInt parse(String line) {
        String s = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (!s.startsWith("CONNECT ")) {
            return OptionalInt.empty();
        }
        String digits = s.substring("CONNECT ".length());
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return OptionalInt.empty();
        }
        long value = Long.parseLong(digits);
        return value > 0xffff_ffffL ? OptionalInt.empty() : OptionalInt.of((int) value);
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do about a failing close
        }
    }
}
