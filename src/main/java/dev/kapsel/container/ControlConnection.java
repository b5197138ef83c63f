package dev.kapsel.container;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One connection of the control protocol, seen from either end: one line each way, each read and
 * write bounded by a deadline. A Unix-domain {@link SocketChannel} has no read timeout of its own,
 * so the channel is non-blocking and waits in its own {@link Selector}.
 */
final class ControlConnection implements AutoCloseable {
    /** A line that did not end within the limit the reader set. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int limit) {
            super("longer than " + limit + " bytes");
        }
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;

    ControlConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            this.key = channel.register(selector, 0);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /**
     * Reads up to the first newline (not included), at most {@code limit} bytes before it. Bytes after
     * the newline are ignored: a connection carries one line each way.
     */
    String readLine(int limit, long deadlineNanos) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(limit + 1);
        while (true) {
            int newline = indexOfNewline(buffer);
            if (newline >= 0) {
                return new String(buffer.array(), 0, newline, StandardCharsets.UTF_8);
            }
            if (!buffer.hasRemaining()) {
                throw new LineTooLongException(limit);
            }
            int read = channel.read(buffer);
            if (read < 0) {
                throw new EOFException("the other end closed the connection before a whole line");
            }
            if (read == 0) {
                await(SelectionKey.OP_READ, deadlineNanos);
            }
        }
    }

    void writeLine(String line, long deadlineNanos) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                await(SelectionKey.OP_WRITE, deadlineNanos);
            }
        }
    }

    private static int indexOfNewline(ByteBuffer buffer) {
        for (int i = 0; i < buffer.position(); i++) {
            if (buffer.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void await(int operation, long deadlineNanos) throws IOException {
        key.interestOps(operation);
        long left = deadlineNanos - System.nanoTime();
        // select(0) would wait forever: round a last fraction of a millisecond up to one.
        if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && System.nanoTime() >= deadlineNanos) {
            throw new SocketTimeoutException("no " + (operation == SelectionKey.OP_READ ? "line" : "room to write")
                    + " in time");
        }
        selector.selectedKeys().clear();
    }

    /** Closes the channel, which also ends a read or write another thread is waiting in. */
    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
