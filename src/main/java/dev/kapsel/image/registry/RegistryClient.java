package dev.kapsel.image.registry;

import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kapsel.image.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The HTTP side of one registry (distribution spec): the {@code /v2/} probe that picks https (or,
 * for an insecure registry, http) and learns the {@code WWW-Authenticate} challenge; Basic auth or
 * bearer tokens from the challenge's realm (token-auth spec), one token per scope; redirects followed
 * by hand, at most {@link #MAX_REDIRECTS}, with credentials sent only to the registry's own host (blob
 * storage gets pre-signed URLs). Responses are returned whatever their status: the caller names what
 * it expected, and {@link #failure} turns anything else into an error naming registry, reference and
 * status, with the registry's error code read from a bounded body.
 */
final class RegistryClient {
    static final int MAX_REDIRECTS = 5;
    /** Bodies read for error details and tokens: a token is a few KiB, an error a line. */
    static final int MAX_SMALL_BODY = 64 << 10;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration HTTPS_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final String registry;
    private final String apiHost;
    private final boolean insecure;
    private final RegistryCredentials credentials;
    private final HttpClient http;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private volatile URI base;
    private volatile AuthChallenge challenge;

    RegistryClient(String registry, RegistryOptions options, RegistryCredentials explicit) throws IOException {
        this.registry = registry;
        // Docker Hub's API lives on registry-1.docker.io; docker.io itself redirects to the web site.
        this.apiHost = registry.equals(Reference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
        this.insecure = options.insecure(registry);
        this.credentials = explicit != null ? explicit : options.auth().lookup(registry);
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).proxy(options.proxy());
        if (insecure) {
            // Only this client trusts any certificate: the trust manager below is an extended one, so JSSE runs no
            // hostname check of its own for it and no process-wide switch is needed (other clients still verify).
            b.sslContext(trustAll());
        }
        this.http = b.build();
    }

    String registry() {
        return registry;
    }

    private static SSLContext trustAll() throws IOException {
        TrustManager all = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type, Socket socket) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type, Socket socket) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type, SSLEngine engine) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type, SSLEngine engine) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {all}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS without verification: " + e.getMessage(), e);
        }
    }

    /**
     * {@code GET /v2/}: finds the scheme (https; then http for an insecure registry) and the auth
     * challenge. Called once, before the first request.
     */
    void probe(String reference) throws IOException, RegistryException {
        if (base != null) {
            return;
        }
        List<String> schemes = insecure ? List.of("https", "http") : List.of("https");
        IOException last = null;
        for (String scheme : schemes) {
            URI candidate = URI.create(scheme + "://" + apiHost + "/v2/");
            HttpResponse<InputStream> r;
            try {
                // An http-only server may never answer a TLS hello: do not wait long before trying http.
                r = exchange(HttpRequest.newBuilder(candidate).timeout(schemes.size() > 1 && scheme.equals("https")
                        ? HTTPS_ATTEMPT_TIMEOUT : HEADERS_TIMEOUT).GET(), null);
            } catch (IOException e) {
                last = e;
                continue;
            }
            try (InputStream body = r.body()) {
                body.readNBytes(MAX_SMALL_BODY);
            }
            if (r.statusCode() == 401) {
                challenge = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
                if (challenge == null) {
                    throw new RegistryProtocolException(registry, reference, "HTTP 401 on /v2/ without a Basic or Bearer challenge");
                }
            } else if (r.statusCode() != 200) {
                throw new RegistryHttpException(registry, reference, "the /v2/ probe", r.statusCode(), "");
            }
            base = URI.create(scheme + "://" + apiHost);
            return;
        }
        throw new RegistryProtocolException(registry, reference, "cannot reach " + String.join(" or ", schemes)
                + "://" + apiHost + "/v2/: " + describe(last) + (insecure || !(last instanceof javax.net.ssl.SSLException) ? ""
                : " (an http-only registry needs --tls-verify=false or an entry in registries.json)"), last);
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "no answer";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    /** An API request: {@code path} under the registry (or an absolute URL from a Location header). */
    record Call(String method, String path, Map<String, String> headers, HttpRequest.BodyPublisher body, String scope) {
        Call {
            headers = Map.copyOf(headers);
        }

        static Call get(String path, Map<String, String> headers, String scope) {
            return new Call("GET", path, headers, null, scope);
        }
    }

    /**
     * Sends {@code call} with credentials, renewing a bearer token once when the registry asks for
     * another scope, and following redirects of GET and HEAD. {@code what} and {@code reference} name
     * the operation in errors.
     */
    HttpResponse<InputStream> send(Call call, String what, String reference) throws IOException, RegistryException {
        probe(reference);
        URI uri = call.path().startsWith("http://") || call.path().startsWith("https://") ? URI.create(call.path()) : base.resolve(call.path());
        String scope = call.scope();
        boolean renewed = false;
        for (int redirects = 0; ; ) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT);
            call.headers().forEach(b::header);
            b.method(call.method(), call.body() != null ? call.body() : HttpRequest.BodyPublishers.noBody());
            boolean ownHost = uri.getAuthority() != null && uri.getAuthority().equalsIgnoreCase(base.getAuthority());
            String authorization = ownHost ? authorization(scope, reference) : null;
            HttpResponse<InputStream> r;
            try {
                r = exchange(b, authorization);
            } catch (IOException e) {
                throw new RegistryProtocolException(registry, reference, what + " failed: " + describe(e), e);
            }
            int status = r.statusCode();
            if (status == 401 && ownHost && challenge != null && challenge.bearer() && !renewed) {
                AuthChallenge again = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
                if (again != null && again.bearer() && again.parameter("scope") != null && !again.parameter("scope").equals(scope)) {
                    discard(r);
                    scope = again.parameter("scope");
                    renewed = true;
                    continue;
                }
            }
            if (isRedirect(status) && (call.method().equals("GET") || call.method().equals("HEAD"))) {
                String location = r.headers().firstValue("Location").orElse(null);
                discard(r);
                if (location == null) {
                    throw new RegistryProtocolException(registry, reference, what + ": HTTP " + status + " redirect without a Location");
                }
                if (++redirects > MAX_REDIRECTS) {
                    throw new RegistryProtocolException(registry, reference, what + ": more than " + MAX_REDIRECTS + " redirects");
                }
                uri = uri.resolve(location);
                continue;
            }
            return r;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private HttpResponse<InputStream> exchange(HttpRequest.Builder b, String authorization) throws IOException {
        b.setHeader("User-Agent", "kapsel");
        if (authorization != null) {
            b.setHeader("Authorization", authorization);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    static void discard(HttpResponse<InputStream> r) throws IOException {
        try (InputStream body = r.body()) {
            body.readNBytes(MAX_SMALL_BODY);
        }
    }

    /** The Authorization header for a request of {@code scope}: Basic credentials, a bearer token, or none. */
    private String authorization(String scope, String reference) throws IOException, RegistryException {
        AuthChallenge c = challenge;
        if (c == null) {
            return null;
        }
        if (!c.bearer()) {
            return credentials == null ? null : "Basic " + credentials.encoded();
        }
        String key = scope == null ? "" : scope;
        String token = tokens.get(key);
        if (token == null) {
            token = fetchToken(c, scope, reference);
            tokens.put(key, token);
        }
        return "Bearer " + token;
    }

    /** {@code GET realm?service=&scope=}, with Basic credentials when there are some (anonymous otherwise). */
    private String fetchToken(AuthChallenge c, String scope, String reference) throws IOException, RegistryException {
        String realm = c.parameter("realm");
        if (realm == null || !(realm.startsWith("https://") || realm.startsWith("http://"))) {
            throw new RegistryProtocolException(registry, reference, "bearer challenge without an http(s) realm");
        }
        List<String> query = new ArrayList<>();
        if (c.parameter("service") != null) {
            query.add("service=" + URLEncoder.encode(c.parameter("service"), StandardCharsets.UTF_8));
        }
        if (scope != null) {
            for (String s : scope.split(" ")) {
                query.add("scope=" + URLEncoder.encode(s, StandardCharsets.UTF_8));
            }
        }
        if (credentials != null) {
            query.add("account=" + URLEncoder.encode(credentials.user(), StandardCharsets.UTF_8));
        }
        URI uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + String.join("&", query)));
        HttpResponse<InputStream> r;
        try {
            r = exchange(HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT).GET(), credentials == null ? null : "Basic " + credentials.encoded());
        } catch (IOException e) {
            throw new RegistryAuthException(registry, reference, "token service " + uri.getAuthority() + " unreachable: " + describe(e));
        }
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(MAX_SMALL_BODY + 1);
        }
        if (r.statusCode() != 200) {
            throw new RegistryAuthException(registry, reference, "token service " + uri.getAuthority() + " refused"
                    + (credentials == null ? " anonymous access" : " the credentials of " + credentials.user()) + ": HTTP " + r.statusCode());
        }
        if (body.length > MAX_SMALL_BODY) {
            throw new RegistryAuthException(registry, reference, "token service answer larger than " + MAX_SMALL_BODY + " bytes");
        }
        JsonNode json;
        try {
            json = Json.FOREIGN.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryAuthException(registry, reference, "token service answer is not JSON");
        }
        String token = json == null ? "" : json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryAuthException(registry, reference, "token service answer holds no token");
        }
        return token;
    }

    /** Whether requests will carry credentials (a login checks them with a probe and a token). */
    void checkCredentials(String scope) throws IOException, RegistryException {
        probe(registry);
        if (challenge == null) {
            return;
        }
        if (challenge.bearer()) {
            tokens.put(scope == null ? "" : scope, fetchToken(challenge, scope, registry));
            return;
        }
        HttpResponse<InputStream> r = send(Call.get("/v2/", Map.of(), scope), "login", registry);
        if (r.statusCode() != 200) {
            throw failure(r, "login", registry);
        }
        discard(r);
    }

    /** The error for an unexpected status: registry, reference, status, and the registry's error code and message if it sent one. */
    RegistryException failure(HttpResponse<InputStream> r, String what, String reference) throws IOException {
        String detail = "";
        try (InputStream in = r.body()) {
            JsonNode json = Json.FOREIGN.readTree(in.readNBytes(MAX_SMALL_BODY));
            JsonNode first = json == null ? null : json.path("errors").path(0);
            if (first != null && first.isObject()) {
                detail = (first.path("code").asText("") + ": " + first.path("message").asText("")).replaceAll("^: |: $", "");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            // An error page that is not the spec's JSON: the status says enough.
        }
        if (r.statusCode() == 401) {
            detail = (detail.isEmpty() ? "" : detail + "; ") + (credentials == null ? "no credentials: kapsel login " + registry
                    : "credentials of " + credentials.user() + " refused");
        }
        return new RegistryHttpException(registry, reference, what, r.statusCode(), detail);
    }
}
