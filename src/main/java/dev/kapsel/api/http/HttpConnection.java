package dev.kapsel.api.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection: reads requests strictly and with bounds, one at a time, and writes the
 * responses. The channel is non-blocking under a selector of its own, so each read of a request
 * waits only until the request's deadline ({@link HttpLimits#requestTimeout} from its first byte);
 * between requests (keep-alive) it waits without a deadline. Bytes after one request (a pipelined
 * next request) stay buffered for the next {@link #readRequest}.
 */
final class HttpConnection implements AutoCloseable {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_METHOD = 16;

    private final SocketChannel channel;
    private final Selector selector;
    private final HttpLimits limits;
    private final ByteBuffer in;
    /** Whether the request just read asked for the connection to close after its response. */
    private boolean closeAfter;

    HttpConnection(SocketChannel channel, HttpLimits limits) throws IOException {
        this.channel = channel;
        this.limits = limits;
        this.in = ByteBuffer.allocate(limits.maxHeadBytes() + limits.maxBodyBytes());
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    boolean closeAfterResponse() {
        return closeAfter;
    }

    /** The next request, or null if the client closed the connection between requests. */
    HttpRequest readRequest() throws IOException, HttpException {
        closeAfter = false;
        while (in.position() == 0) {
            if (fill(Long.MAX_VALUE) < 0) {
                return null;
            }
        }
        long deadline = System.nanoTime() + limits.requestTimeout().toNanos();
        int headEnd;
        while ((headEnd = headEnd()) < 0) {
            if (in.position() >= limits.maxHeadBytes()) {
                throw new HttpException(400, "the request line and headers exceed " + limits.maxHeadBytes() + " bytes");
            }
            if (fill(deadline) < 0) {
                throw new HttpException(400, "the connection ended inside the request head");
            }
        }
        if (headEnd > limits.maxHeadBytes()) {
            throw new HttpException(400, "the request line and headers exceed " + limits.maxHeadBytes() + " bytes");
        }
        Head head = parseHead(new String(in.array(), 0, headEnd - 4, StandardCharsets.ISO_8859_1));
        int length = head.contentLength;
        if (head.expectContinue && in.position() < headEnd + length) {
            write(CONTINUE);
        }
        while (in.position() < headEnd + length) {
            if (fill(deadline) < 0) {
                throw new HttpException(400, "the connection ended after " + (in.position() - headEnd) + " of "
                        + length + " body bytes");
            }
        }
        byte[] body = new byte[length];
        System.arraycopy(in.array(), headEnd, body, 0, length);
        // Keep what follows (a pipelined request) at the buffer's start.
        in.flip();
        in.position(headEnd + length);
        in.compact();
        closeAfter = head.close;
        return new HttpRequest(head.method, head.target, head.headers, body);
    }

    private record Head(String method, String target, Map<String, String> headers, int contentLength,
                        boolean expectContinue, boolean close) {}

    /** Offset just past the CRLFCRLF ending the head, or -1. */
    private int headEnd() {
        byte[] b = in.array();
        for (int i = 3; i < in.position(); i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private Head parseHead(String head) throws HttpException {
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            boolean crlf = c == '\r' && i + 1 < head.length() && head.charAt(i + 1) == '\n';
            if (crlf) {
                i++;
            } else if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                throw new HttpException(400, "the request head holds a byte outside printable ASCII (0x"
                        + Integer.toHexString(c) + " at offset " + i + ")");
            }
        }
        String[] lines = head.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3) {
            throw new HttpException(400, "the request line must be 'METHOD /path HTTP/1.1'");
        }
        String method = requestLine[0];
        String target = requestLine[1];
        String version = requestLine[2];
        if (method.isEmpty() || method.length() > MAX_METHOD || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new HttpException(400, "the method must be an upper-case token such as GET, PUT or PATCH");
        }
        if (!target.startsWith("/")) {
            throw new HttpException(400, "the request target must be a path starting with '/'");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpException(400, "only HTTP/1.1 (and 1.0) is served, not '" + version + "'");
        }
        if (lines.length - 1 > limits.maxHeaders()) {
            throw new HttpException(400, "more than " + limits.maxHeaders() + " header fields");
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new HttpException(400, "header line " + i + " is not 'Name: value'");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            if (headers.put(name, line.substring(colon + 1).strip()) != null) {
                throw new HttpException(400, "header field " + name + " sent twice");
            }
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new HttpException(400, "Transfer-Encoding (chunked bodies) is not supported: send Content-Length");
        }
        int length = 0;
        String declared = headers.get("content-length");
        if (declared != null) {
            if (!declared.matches("[0-9]{1,10}")) {
                throw new HttpException(400, "Content-Length must be a decimal number, not '" + declared + "'");
            }
            long value = Long.parseLong(declared);
            if (value > limits.maxBodyBytes()) {
                throw new HttpException(413, "the body of " + value + " bytes exceeds the limit of "
                        + limits.maxBodyBytes() + " bytes");
            }
            length = (int) value;
        }
        String expect = headers.get("expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            throw new HttpException(400, "the only Expect served is 100-continue");
        }
        String connection = headers.getOrDefault("connection", "");
        boolean close = version.equals("HTTP/1.0") ? !connection.equalsIgnoreCase("keep-alive")
                : connection.equalsIgnoreCase("close");
        return new Head(method, target, headers, length, expect != null, close);
    }

    private static boolean isToken(String s) {
        return s.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    /** Reads what is there, waiting until {@code deadline} (System.nanoTime) for something; -1 at end of stream. */
    private int fill(long deadline) throws IOException, HttpException {
        if (!in.hasRemaining()) {
            // The head and body bounds were checked before: a full buffer means a pipelined surplus.
            throw new HttpException(400, "more bytes than one bounded request holds");
        }
        while (true) {
            int n = channel.read(in);
            if (n != 0) {
                return n;
            }
            long wait = deadline == Long.MAX_VALUE ? 0 : (deadline - System.nanoTime()) / 1_000_000;
            if (deadline != Long.MAX_VALUE && wait <= 0) {
                throw new HttpException(408, "the request did not arrive within " + limits.requestTimeout().toMillis() + " ms");
            }
            selector.select(wait);
            selector.selectedKeys().clear();
            if (!channel.isOpen()) {
                throw new java.nio.channels.ClosedChannelException();
            }
        }
    }

    void send(HttpResponse response, boolean close) throws IOException {
        write(response.encode(close));
    }

    /**
     * Ends a connection whose request was refused without being read to its end: half-closes the
     * write side after the refusal and reads and drops what the client is still sending, until it
     * closes, {@code maxDrain} bytes or the request timeout, whichever is first. Closing at once would
     * make the client's unfinished write fail (EPIPE, or a reset that loses the refusal it has not
     * read yet); this is the lingering close of HTTP servers (RFC 9112, 9.6).
     */
    void refuseAndLinger(HttpResponse refusal, long maxDrain) throws IOException {
        write(refusal.encode(true));
        channel.shutdownOutput();
        ByteBuffer sink = ByteBuffer.allocate(8192);
        long deadline = System.nanoTime() + limits.requestTimeout().toNanos();
        long drained = 0;
        while (drained < maxDrain) {
            sink.clear();
            int n = channel.read(sink);
            if (n < 0) {
                return;
            }
            if (n > 0) {
                drained += n;
                continue;
            }
            long wait = (deadline - System.nanoTime()) / 1_000_000;
            if (wait <= 0) {
                return;
            }
            selector.select(wait);
            selector.selectedKeys().clear();
        }
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + limits.requestTimeout().toNanos();
        SelectionKey key = channel.keyFor(selector);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                long wait = (deadline - System.nanoTime()) / 1_000_000;
                if (wait <= 0) {
                    throw new IOException("the client did not read its response within " + limits.requestTimeout().toMillis() + " ms");
                }
                key.interestOps(SelectionKey.OP_WRITE);
                selector.select(wait);
                selector.selectedKeys().clear();
                key.interestOps(SelectionKey.OP_READ);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try (selector) {
            channel.close();
        }
    }
}
