package dev.kapsel.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small parts of the registry transport: challenges, proxies from the environment, credentials, platforms, login names. */
class TransportPartsTest {
    @Test
    void bearerAndBasicChallengesAreRead() {
        AuthChallenge bearer = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertTrue(bearer.bearer());
        assertEquals("https://auth.docker.io/token", bearer.parameter("realm"));
        assertEquals("registry.docker.io", bearer.parameter("service"));
        assertEquals("repository:library/busybox:pull", bearer.parameter("scope"));
        AuthChallenge withCommaInQuotes = AuthChallenge.parse("Bearer realm=\"http://a/t\",scope=\"repository:x:pull,push\",error=\"insufficient_scope\"");
        assertEquals("repository:x:pull,push", withCommaInQuotes.parameter("scope"));
        assertEquals("insufficient_scope", withCommaInQuotes.parameter("error"));
        AuthChallenge basic = AuthChallenge.parse("Basic realm=\"kapsel-test\"");
        assertFalse(basic.bearer());
        assertEquals("kapsel-test", basic.parameter("realm"));
        assertNull(AuthChallenge.parse("Negotiate abc"));
        assertNull(AuthChallenge.parse(null));
    }

    @Test
    void proxiesComeFromTheEnvironmentAsGoReadsThem() {
        EnvironmentProxy p = EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "http_proxy", "proxy.corp:8080",
                "NO_PROXY", "internal.corp,.svc,registry.lan:5000"));
        assertEquals(List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("proxy.corp", 3128))),
                p.select(URI.create("https://registry-1.docker.io/v2/")));
        assertEquals(List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("proxy.corp", 8080))),
                p.select(URI.create("http://quay.io/v2/")));
        assertTrue(p.bypass(URI.create("https://internal.corp/v2/")));
        assertTrue(p.bypass(URI.create("https://a.internal.corp/v2/")), "a domain covers its subdomains");
        assertTrue(p.bypass(URI.create("https://x.svc/v2/")));
        assertFalse(p.bypass(URI.create("https://svc/v2/")), ".svc covers subdomains only");
        assertTrue(p.bypass(URI.create("https://registry.lan:5000/v2/")));
        assertFalse(p.bypass(URI.create("https://registry.lan:6000/v2/")));
        assertTrue(p.bypass(URI.create("http://127.0.0.1:5000/v2/")), "loopback is never proxied");
        assertEquals(List.of(Proxy.NO_PROXY), EnvironmentProxy.from(Map.of()).select(URI.create("https://quay.io/v2/")));
        assertTrue(EnvironmentProxy.from(Map.of("https_proxy", "p:1", "no_proxy", "*")).bypass(URI.create("https://quay.io/")));
    }

    @Test
    void credentialsNeverShowThePassword() {
        RegistryCredentials c = new RegistryCredentials("alice", "s3cret");
        assertFalse(c.toString().contains("s3cret"));
        assertEquals(c, RegistryCredentials.decode(c.encoded()));
        assertNull(RegistryCredentials.decode("not base64!"));
        assertThrows(IllegalArgumentException.class, () -> new RegistryCredentials("a:b", "x"));
    }

    @Test
    void platformsAndLoginNames() throws Exception {
        assertEquals(new Platform("linux", "arm64", "v8"), Platform.parse("linux/arm64/v8"));
        assertTrue(Platform.DEFAULT.matches(new Platform("linux", "amd64", "v3")));
        assertFalse(Platform.parse("linux/arm64/v8").matches(new Platform("linux", "arm64", null)));
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux"));
        assertEquals("registry.lan:5000", Login.registryName("https://registry.lan:5000/"));
        assertEquals("docker.io", Login.registryName("index.docker.io"));
        assertEquals("docker.io", Login.registryName("docker.io"));
        InvalidReferenceException bad = assertThrows(InvalidReferenceException.class, () -> Login.registryName("notahost"));
        assertTrue(bad.getMessage().contains("'notahost'"), bad.getMessage());
    }
}
