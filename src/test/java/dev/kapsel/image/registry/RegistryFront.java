package dev.kapsel.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A proxy in front of a {@link TestRegistry} that forwards every request and lets a test change
 * the answer: another status, corrupted bytes, another header, a redirect, or a connection cut
 * after some bytes of the body (what a pull killed half-way sees). It records what it was asked.
 */
final class RegistryFront implements AutoCloseable {
    /** A request as the front saw it. */
    record Seen(String method, String path, String range) {}

    /** The answer to send; a {@link Tamper} may change any part. {@code cutAfter >= 0} sends that many body bytes, then drops the connection. */
    static final class Answer {
        int status;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        byte[] body;
        int cutAfter = -1;
    }

    interface Tamper {
        void apply(Seen request, Answer answer);
    }

    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "transfer-encoding", "host", "expect",
            "upgrade", "keep-alive", "date");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String upstream;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    volatile Tamper tamper = (r, a) -> {};

    /**
     * Serves https with a self-signed certificate, as a loopback registry may (kapsel tries https first and does not verify a
     * loopback registry's certificate, as Docker does); the registry behind it is plain http.
     */
    RegistryFront(TestRegistry registry, Path dir) throws Exception {
        this.upstream = "http://" + registry.host();
        Files.createDirectories(dir);
        Path cert = dir.resolve("front-cert.pem");
        Path key = dir.resolve("front-key.pem");
        TestTokenServer.selfSigned(cert, key, "kapsel-test-front");
        Path p12 = dir.resolve("front.p12");
        TestRegistry.run(List.of("openssl", "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", p12.toString(),
                "-passout", "pass:front"));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            keys.load(in, "front".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "front".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    String upstream() {
        return upstream;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void clear() {
        seen.clear();
        tamper = (r, a) -> {};
    }

    private void handle(HttpExchange exchange) throws IOException {
        String pathAndQuery = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders().getFirst("Range"));
        seen.add(request);
        byte[] requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = in.readAllBytes();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + pathAndQuery))
                .method(exchange.getRequestMethod(), requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(requestBody));
        exchange.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP_HEADERS.contains(k.toLowerCase())) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        Answer answer = new Answer();
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.status = r.statusCode();
            r.headers().map().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase())) {
                    answer.headers.put(k, new ArrayList<>(vs));
                }
            });
            answer.body = r.body();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        tamper.apply(request, answer);
        answer.headers.forEach((k, vs) -> exchange.getResponseHeaders().put(k, vs));
        boolean noBody = exchange.getRequestMethod().equals("HEAD") || answer.body.length == 0;
        exchange.sendResponseHeaders(answer.status, noBody ? -1 : answer.body.length);
        if (noBody) {
            exchange.close();
            return;
        }
        OutputStream out = exchange.getResponseBody();
        if (answer.cutAfter >= 0) {
            out.write(answer.body, 0, Math.min(answer.cutAfter, answer.body.length));
            out.flush();
            // Thrown from the handler, this makes the server drop the connection mid-body.
            throw new IOException("front: connection cut after " + answer.cutAfter + " bytes");
        }
        out.write(answer.body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
