package dev.kapsel.api.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A test client that writes raw bytes to a Unix-socket HTTP server and reads its responses with a
 * deadline, so a server that hangs fails the test instead of hanging it. Also what the API tests
 * use in place of {@code curl --unix-socket}, which the harness image lacks.
 */
public final class RawClient implements AutoCloseable {
    /** One response as read off the wire. */
    public record Response(int status, Map<String, String> headers, String body) {}

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteArrayOutputStream buffered = new ByteArrayOutputStream();

    private RawClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    public static RawClient connect(Path socket) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return new RawClient(c);
    }

    /**
     * Connects to a server another thread or process is starting: the socket file appears at bind(2),
     * before listen(2), and a connect in between is refused (a window the nested harness makes wide),
     * so a missing file or a refusal is tried again every 50 ms while {@code starting} holds, for at
     * most {@code seconds}.
     */
    public static RawClient connectOnceListening(Path socket, long seconds, java.util.function.BooleanSupplier starting)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                return connect(socket);
            } catch (java.net.SocketException | java.nio.file.NoSuchFileException e) { // ConnectException: refused
                if (!starting.getAsBoolean() || System.nanoTime() > deadline) {
                    throw new IOException(socket + ": no server listening within " + seconds + " s: " + e, e);
                }
                Thread.sleep(50);
            }
        }
    }

    public void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the server does not read");
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        }
    }

    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Sends one request with a JSON body (or none) and reads its response. */
    public Response exchange(String method, String path, String body) throws IOException {
        String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n";
        if (body != null) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            write(head + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n");
            write(b);
        } else {
            write(head + "\r\n");
        }
        Response r = readResponse(Duration.ofSeconds(60));
        if (r == null) {
            throw new IOException("the server closed the connection without answering " + method + " " + path);
        }
        return r;
    }

    /** The next response, or null if the server closed the connection first; an IOException after {@code timeout}. */
    public Response readResponse(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int headEnd;
        while ((headEnd = indexOf(buffered.toByteArray(), "\r\n\r\n")) < 0) {
            if (!fill(deadline)) {
                return null;
            }
        }
        String head = new String(buffered.toByteArray(), 0, headEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        while (buffered.size() < headEnd + 4 + length) {
            if (!fill(deadline)) {
                throw new IOException("the server closed the connection inside a response body");
            }
        }
        byte[] all = buffered.toByteArray();
        String body = new String(all, headEnd + 4, length, StandardCharsets.UTF_8);
        buffered.reset();
        buffered.write(all, headEnd + 4 + length, all.length - headEnd - 4 - length);
        return new Response(status, headers, body);
    }

    /** Whether the server closes the connection (end of stream) within {@code timeout}, discarding what it sends. */
    public boolean closedWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (fill(deadline)) {
                buffered.reset();
            }
            return true;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("no answer")) {
                return false;
            }
            return true; // reset by the server: closed
        }
    }

    private boolean fill(long deadline) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        while (true) {
            int n = channel.read(b);
            if (n < 0) {
                return false;
            }
            if (n > 0) {
                buffered.write(b.array(), 0, n);
                return true;
            }
            long wait = (deadline - System.nanoTime()) / 1_000_000;
            if (wait <= 0) {
                throw new IOException("no answer from the server in time");
            }
            selector.select(wait);
            selector.selectedKeys().clear();
        }
    }

    private static int indexOf(byte[] data, String what) {
        byte[] w = what.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + w.length <= data.length; i++) {
            for (int j = 0; j < w.length; j++) {
                if (data[i + j] != w[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        try (selector) {
            channel.close();
        }
    }
}
