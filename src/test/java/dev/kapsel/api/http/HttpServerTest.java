package dev.kapsel.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer against hostile input: random bytes, oversized heads and bodies, bad lengths,
 * chunked uploads and slow partial requests are answered 400/408/413 and the connection closed,
 * never a hang, and the server keeps serving well-formed requests on other connections; well-formed
 * ones are served with keep-alive, pipelined ones in order, and Expect: 100-continue is honoured.
 */
class HttpServerTest {
    private static final HttpLimits LIMITS = new HttpLimits(1024, 16, 4096, Duration.ofMillis(400), 4);
    private static Path dir;
    private static HttpServer server;

    /** Answers with the request it saw; refusals carry the reason like Firecracker's fault bodies. */
    private static final HttpHandler ECHO = new HttpHandler() {
        @Override
        public HttpResponse handle(HttpRequest r) {
            if (r.target().equals("/boom")) {
                throw new IllegalStateException("handler bug");
            }
            return new HttpResponse(200, ("{\"method\":\"" + r.method() + "\",\"target\":\"" + r.target()
                    + "\",\"length\":" + r.body().length + "}").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public HttpResponse refuse(int status, String message) {
            return new HttpResponse(status, ("{\"fault_message\":\"" + message.replace("\"", "'") + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    };

    /** One server for the class, started by whichever engine (Jupiter or jqwik) runs first and stopped by each at its end. */
    private static synchronized void ensureServer() throws IOException {
        if (server == null) {
            dir = Files.createTempDirectory("kapsel-http");
            server = HttpServer.start(dir.resolve("api.sock"), LIMITS, ECHO);
        }
    }

    @AfterAll
    @AfterContainer
    static synchronized void stopServer() throws IOException {
        if (server != null) {
            server.close();
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), "the server left files behind");
            }
            Files.delete(dir);
            server = null;
        }
    }

    private static RawClient client() throws IOException {
        ensureServer();
        return RawClient.connect(server.socket());
    }

    private static void assertStillServes() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response r = c.exchange("GET", "/ok", null);
            assertEquals(200, r.status());
            assertEquals("{\"method\":\"GET\",\"target\":\"/ok\",\"length\":0}", r.body());
        }
    }

    /** Sends {@code bytes}, half-closes, and returns the server's one answer (null if it only closed). */
    private static RawClient.Response answerTo(byte[] bytes) throws IOException {
        try (RawClient c = client()) {
            c.write(bytes);
            c.shutdownOutput();
            RawClient.Response r = c.readResponse(Duration.ofSeconds(10));
            return r;
        }
    }

    @Test
    void keepAliveServesRequestsInTurnIncludingPipelinedOnes() throws IOException {
        try (RawClient c = client()) {
            for (int i = 0; i < 3; i++) {
                RawClient.Response r = c.exchange("PUT", "/drives/d" + i, "{\"x\":" + i + "}");
                assertEquals(200, r.status());
                assertEquals("{\"method\":\"PUT\",\"target\":\"/drives/d" + i + "\",\"length\":7}", r.body());
            }
            c.write("GET /a HTTP/1.1\r\n\r\nPATCH /b HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}GET /c HTTP/1.1\r\nConnection: close\r\n\r\n");
            assertTrue(c.readResponse(Duration.ofSeconds(10)).body().contains("\"/a\""));
            assertTrue(c.readResponse(Duration.ofSeconds(10)).body().contains("\"PATCH\",\"target\":\"/b\",\"length\":2"));
            RawClient.Response last = c.readResponse(Duration.ofSeconds(10));
            assertTrue(last.body().contains("\"/c\""));
            assertEquals("close", last.headers().get("connection"));
            assertTrue(c.closedWithin(Duration.ofSeconds(5)));
        }
    }

    @Test
    void expectContinueGetsAnInterimResponseBeforeTheBody() throws IOException {
        try (RawClient c = client()) {
            c.write("PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
            assertEquals(100, c.readResponse(Duration.ofSeconds(5)).status());
            c.write("abc");
            RawClient.Response r = c.readResponse(Duration.ofSeconds(5));
            assertEquals(200, r.status());
            assertTrue(r.body().contains("\"length\":3"));
        }
    }

    @Test
    void violationsAreAnsweredWithTheRightStatusAndTheConnectionClosed() throws IOException {
        record Case(String request, int status, String reason) {}
        List<Case> cases = List.of(
                new Case("GET /x HTTP/1.1\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n", 400, "exceed 1024 bytes"),
                new Case("PUT /x HTTP/1.1\r\nContent-Length: 4097\r\n\r\n", 413, "exceeds the limit of 4096"),
                new Case("PUT /x HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n", 400, "decimal number"),
                new Case("PUT /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "decimal number"),
                new Case("PUT /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nab", 400, "sent twice"),
                new Case("PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400, "chunked"),
                new Case("GET /x HTTP/2.0\r\n\r\n", 400, "HTTP/1.1"),
                new Case("get /x HTTP/1.1\r\n\r\n", 400, "upper-case"),
                new Case("GET x HTTP/1.1\r\n\r\n", 400, "starting with '/'"),
                new Case("GET  /x HTTP/1.1\r\n\r\n", 400, "request line"),
                new Case("GET /x HTTP/1.1\nHost: a\n\n\r\n\r\n", 400, "printable ASCII"),
                new Case("GET /x HTTP/1.1\r\nBad Header: 1\r\n\r\n", 400, "Name: value"),
                new Case("GET /x HTTP/1.1\r\n" + "A: 1\r\n".repeat(17) + "\r\n", 400, "header fields"),
                new Case("GET /x HTTP/1.1\r\nExpect: magic\r\n\r\n", 400, "100-continue"),
                new Case("PUT /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 400, "3 of 10 body bytes"),
                new Case("GET /boom HTTP/1.1\r\n\r\n", 500, "handler bug"));
        for (Case c : cases) {
            RawClient.Response r = answerTo(c.request.getBytes(StandardCharsets.ISO_8859_1));
            assertNotNull(r, c.request);
            assertEquals(c.status, r.status(), c.request + " -> " + r);
            assertTrue(r.body().contains(c.reason), c.request + " -> " + r.body());
        }
        assertStillServes();
    }

    @Test
    void aSlowPartialRequestIsCutOffAtTheRequestTimeout() throws IOException {
        try (RawClient c = client()) {
            long start = System.nanoTime();
            c.write("PUT /x HTTP/1.1\r\nContent-Le");
            RawClient.Response r = c.readResponse(Duration.ofSeconds(10));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, r.status());
            assertTrue(ms >= 350 && ms < 5000, ms + " ms");
            assertTrue(c.closedWithin(Duration.ofSeconds(5)));
        }
        // Dripping one byte at a time does not extend the deadline either.
        try (RawClient c = client()) {
            String request = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
            int sent = 0;
            RawClient.Response r = null;
            for (; sent < request.length(); sent++) {
                try {
                    c.write(request.substring(sent, sent + 1));
                    Thread.sleep(50);
                } catch (IOException | InterruptedException e) {
                    break;
                }
            }
            r = c.readResponse(Duration.ofSeconds(10));
            assertEquals(408, r.status(), "sent " + sent + " of " + request.length());
        }
        // An idle keep-alive connection between requests is not timed out.
        try (RawClient c = client()) {
            sleep(600);
            assertEquals(200, c.exchange("GET /idle".split(" ")[0], "/idle", null).status());
        }
        assertStillServes();
    }

    @Test
    void connectionsBeyondTheLimitAreAnswered503AndTheRestServed() throws IOException {
        List<RawClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < LIMITS.maxConnections(); i++) {
                RawClient c = client();
                assertEquals(200, c.exchange("GET", "/held", null).status());
                held.add(c);
            }
            try (RawClient extra = client()) {
                RawClient.Response r = extra.readResponse(Duration.ofSeconds(10));
                assertEquals(503, r.status());
            }
        } finally {
            for (RawClient c : held) {
                c.close();
            }
        }
        sleep(200);
        assertStillServes();
    }

    @Test
    void anExistingSocketPathIsRefusedAndCloseRemovesTheSocket() throws IOException {
        ensureServer();
        Path taken = dir.resolve("taken.sock");
        Files.createFile(taken);
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> HttpServer.start(taken, LIMITS, ECHO));
        Files.delete(taken);
        Path own = dir.resolve("own.sock");
        HttpServer s = HttpServer.start(own, LIMITS, ECHO);
        assertTrue(Files.exists(own));
        s.close();
        assertTrue(Files.notExists(own));
    }

    @Property(tries = 150)
    void randomBytesNeverHangOrBreakTheServer(@ForAll("garbage") byte[] bytes) throws IOException {
        RawClient.Response r = answerTo(bytes);
        if (r != null) {
            assertTrue(r.status() == 200 || r.status() == 400 || r.status() == 413 || r.status() == 408, r.toString());
        }
    }

    @Property(tries = 100)
    void mutatedRequestsAreServedOrRefusedNeverHung(@ForAll("mutated") byte[] bytes) throws IOException {
        RawClient.Response r = answerTo(bytes);
        if (r != null) {
            assertTrue(List.of(200, 400, 408, 413).contains(r.status()), r.toString());
        }
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        byte[] good = "PUT /drives/rootfs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 12\r\n\r\n{\"a\":\"bcd\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        return Arbitraries.integers().between(0, good.length - 1).list().ofMinSize(1).ofMaxSize(4)
                .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
                    byte[] copy = good.clone();
                    for (int i = 0; i < positions.size(); i++) {
                        copy[positions.get(i)] = values.get(i);
                    }
                    return copy;
                }));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
