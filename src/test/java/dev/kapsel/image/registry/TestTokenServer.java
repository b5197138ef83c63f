package dev.kapsel.image.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The token service of the registry token-auth spec, for tests: {@code GET /token?service=&scope=}
 * answers a JWT (RS256, the signing certificate in the {@code x5c} header, which the registry checks
 * against its {@code rootcertbundle}). Policy: {@link #USER} gets every action asked for; anonymous
 * clients get {@code pull} on repositories under {@code public/} only; wrong credentials get 401.
 */
final class TestTokenServer implements AutoCloseable {
    static final String SERVICE = "kapsel-test-registry";
    static final String ISSUER = "kapsel-test-issuer";
    static final String USER = "tokenuser";
    static final String PASSWORD = "token-secret";

    /** One token request as the server saw it. */
    record Request(String user, List<String> scopes) {}

    private final HttpServer server;
    private final Path certificate;
    private final PrivateKey key;
    private final String certificateDer;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private TestTokenServer(Path dir) throws Exception {
        Files.createDirectories(dir);
        certificate = dir.resolve("token-cert.pem");
        Path keyFile = dir.resolve("token-key.pem");
        selfSigned(certificate, keyFile, "kapsel-test-token");
        String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        X509Certificate cert;
        try (var in = Files.newInputStream(certificate)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        certificateDer = Base64.getEncoder().encodeToString(cert.getEncoded());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/token", this::token);
        server.start();
    }

    /** A self-signed RSA certificate (valid for 127.0.0.1 too) and its PKCS#8 key, by openssl. */
    static void selfSigned(Path certificate, Path key, String commonName) throws Exception {
        TestRegistry.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", certificate.toString(), "-days", "2", "-subj", "/CN=" + commonName, "-addext", "subjectAltName=IP:127.0.0.1"));
    }

    static TestTokenServer start(Path dir) throws Exception {
        return new TestTokenServer(dir);
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    Path certificate() {
        return certificate;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String user = null;
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
                if (!pair.equals(USER + ":" + PASSWORD)) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                user = USER;
            }
            List<String> scopes = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String param : query == null ? new String[0] : query.split("&")) {
                if (param.startsWith("scope=")) {
                    scopes.add(URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8));
                }
            }
            requests.add(new Request(user, List.copyOf(scopes)));
            List<Object> access = new ArrayList<>();
            for (String scope : scopes) {
                String[] parts = scope.split(":");
                if (parts.length != 3 || !parts[0].equals("repository")) {
                    continue;
                }
                List<String> actions = new ArrayList<>();
                for (String action : parts[2].split(",")) {
                    if (user != null || action.equals("pull") && parts[1].startsWith("public/")) {
                        actions.add(action);
                    }
                }
                access.add(Map.of("type", "repository", "name", parts[1], "actions", actions));
            }
            byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("token", jwt(user == null ? "" : user, access),
                    "expires_in", 300));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private String jwt(String subject, List<Object> access) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> header = Map.of("typ", "JWT", "alg", "RS256", "x5c", List.of(certificateDer));
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", SERVICE);
        claims.put("exp", now + 300);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        String signed = url.encodeToString(json.writeValueAsBytes(header)) + "." + url.encodeToString(json.writeValueAsBytes(claims));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + url.encodeToString(rs256.sign());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
