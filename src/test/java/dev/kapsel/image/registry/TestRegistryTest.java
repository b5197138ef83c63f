package dev.kapsel.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixtures themselves: each kind of test registry answers the /v2/ probe as the distribution spec says. */
class TestRegistryTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void openRegistryAnswersTheProbe() throws Exception {
        try (TestRegistry r = TestRegistry.open(dir)) {
            HttpResponse<String> probe = get("http://" + r.host() + "/v2/", null);
            assertEquals(200, probe.statusCode());
            assertEquals("registry/2.0", probe.headers().firstValue("Docker-Distribution-Api-Version").orElse(""));
        }
    }

    @Test
    void basicAuthRegistryChallengesAndAcceptsTheUser() throws Exception {
        try (TestRegistry r = TestRegistry.basicAuth(dir, "alice", "wonder")) {
            HttpResponse<String> probe = get("http://" + r.host() + "/v2/", null);
            assertEquals(401, probe.statusCode());
            assertTrue(probe.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "));
            String basic = "Basic " + Base64.getEncoder().encodeToString("alice:wonder".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, get("http://" + r.host() + "/v2/", basic).statusCode());
            String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, get("http://" + r.host() + "/v2/", wrong).statusCode());
        }
    }

    @Test
    void tokenRegistryAcceptsTheTokenServersTokens() throws Exception {
        try (TestTokenServer tokens = TestTokenServer.start(dir.resolve("tokens"));
             TestRegistry r = TestRegistry.tokenAuth(dir.resolve("registry"), tokens)) {
            HttpResponse<String> probe = get("http://" + r.host() + "/v2/", null);
            assertEquals(401, probe.statusCode());
            String challenge = probe.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(challenge.startsWith("Bearer realm=\"" + tokens.realm() + "\""), challenge);
            String token = new ObjectMapper().readTree(get(tokens.realm() + "?service=" + TestTokenServer.SERVICE, null).body())
                    .path("token").asText();
            assertEquals(200, get("http://" + r.host() + "/v2/", "Bearer " + token).statusCode());
            assertEquals(401, get("http://" + r.host() + "/v2/", "Bearer " + token.substring(0, token.length() - 4) + "AAAA").statusCode());
        }
    }
}
