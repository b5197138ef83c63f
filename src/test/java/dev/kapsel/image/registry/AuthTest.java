package dev.kapsel.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.Digest;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.net.ProxySelector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth (htpasswd) and the bearer-token flow against real registries, logins kept in auth.json and read from Docker's config. */
class AuthTest {
    @TempDir
    Path dir;

    private RegistryOptions options() {
        return new RegistryOptions(true, Set.of(), new AuthFiles(dir.resolve("containers/auth.json"), dir.resolve("docker/config.json")),
                ProxySelector.of(null));
    }

    private Image pull(String ref) throws Exception {
        ImageStore store = ImageStore.open(dir.resolve("images-" + System.nanoTime()));
        return new Puller(store, options(), Progress.QUIET).pull(Reference.parse(ref), Platform.DEFAULT);
    }

    private static Digest pushWithSkopeo(Path layout, String target, String creds) throws Exception {
        TestRegistry.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + layout + ":v1", "docker://" + target);
        return Digest.of(TestRegistry.skopeo("inspect", "--raw", "--tls-verify=false", "--creds", creds, "docker://" + target)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAuthNeedsTheLoginAndKeepsItInAuthJson() throws Exception {
        try (TestRegistry r = TestRegistry.basicAuth(dir.resolve("registry"), "alice", "wonder")) {
            Path layout = TestImages.layout(dir.resolve("L"), "v1", 2, 64 << 10, 5);
            String ref = r.host() + "/team/app:v1";
            Digest pushed = pushWithSkopeo(layout, ref, "alice:wonder");

            RegistryHttpException anonymous = assertThrows(RegistryHttpException.class, () -> pull(ref));
            assertEquals(401, anonymous.status());
            assertTrue(anonymous.getMessage().startsWith(r.host() + ": fetch of manifest v1 of " + ref + " failed: HTTP 401")
                    && anonymous.getMessage().contains("no credentials: kapsel login " + r.host()), anonymous.getMessage());

            RegistryHttpException refused = assertThrows(RegistryHttpException.class,
                    () -> Login.login(r.host(), new RegistryCredentials("alice", "wrong"), options()));
            assertEquals(401, refused.status());
            assertTrue(refused.getMessage().contains("credentials of alice refused"), refused.getMessage());
            assertFalse(refused.getMessage().contains("wrong"), "the password is never shown");
            assertFalse(Files.exists(options().auth().containersFile()), "a refused login stores nothing");

            Login.login(r.host(), new RegistryCredentials("alice", "wonder"), options());
            Path auth = options().auth().containersFile();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(auth)));
            assertFalse(Files.readString(auth).contains("wonder"), "auth.json holds base64, as podman writes it");
            assertEquals(new RegistryCredentials("alice", "wonder"), options().auth().lookup(r.host()));
            TestRegistry.skopeo("inspect", "--tls-verify=false", "--authfile", auth.toString(), "docker://" + ref);

            assertEquals(pushed, pull(ref).manifestDigest());
            assertTrue(Login.logout(r.host(), options()));
            assertFalse(Login.logout(r.host(), options()));
            assertNull(options().auth().lookup(r.host()));
            assertThrows(RegistryHttpException.class, () -> pull(ref));

            // Docker's config.json is read too.
            Files.createDirectories(dir.resolve("docker"));
            Files.writeString(dir.resolve("docker/config.json"), "{\"auths\": {\"http://" + r.host() + "/v2/\": {\"auth\": \""
                    + new RegistryCredentials("alice", "wonder").encoded() + "\"}}}");
            assertEquals(pushed, pull(ref).manifestDigest());
        }
    }

    @Test
    void bearerTokensAnonymousAndWithCredentials() throws Exception {
        try (TestTokenServer tokens = TestTokenServer.start(dir.resolve("tokens"));
             TestRegistry r = TestRegistry.tokenAuth(dir.resolve("registry"), tokens)) {
            Path layout = TestImages.layout(dir.resolve("L"), "v1", 2, 64 << 10, 6);
            String creds = TestTokenServer.USER + ":" + TestTokenServer.PASSWORD;
            Digest pub = pushWithSkopeo(layout, r.host() + "/public/img:v1", creds);
            Digest priv = pushWithSkopeo(layout, r.host() + "/private/img:v1", creds);
            assertEquals(pub, priv);
            int before = tokens.requests().size();

            assertEquals(pub, pull(r.host() + "/public/img:v1").manifestDigest());
            List<TestTokenServer.Request> asked = tokens.requests().subList(before, tokens.requests().size());
            assertEquals(List.of(new TestTokenServer.Request(null, List.of("repository:public/img:pull"))), asked,
                    "one anonymous token for the whole pull");

            RegistryHttpException denied = assertThrows(RegistryHttpException.class, () -> pull(r.host() + "/private/img:v1"));
            assertEquals(401, denied.status());
            assertTrue(denied.getMessage().contains(r.host() + "/private/img:v1"), denied.getMessage());

            RegistryAuthException wrong = assertThrows(RegistryAuthException.class,
                    () -> Login.login(r.host(), new RegistryCredentials(TestTokenServer.USER, "nope"), options()));
            assertTrue(wrong.getMessage().contains("refused the credentials of " + TestTokenServer.USER + ": HTTP 401"), wrong.getMessage());
            Login.login(r.host(), new RegistryCredentials(TestTokenServer.USER, TestTokenServer.PASSWORD), options());
            assertEquals(priv, pull(r.host() + "/private/img:v1").manifestDigest());
            assertEquals(TestTokenServer.USER, tokens.requests().getLast().user());

            // kapsel pushes with a pull,push token; skopeo reads it back with the same digest.
            ImageStore store = ImageStore.open(dir.resolve("push-store"));
            Image image = store.load(layout, "local:v1");
            Digest d = new Pusher(store, options(), Progress.QUIET).push(image, Reference.parse(r.host() + "/private/pushed:v1"));
            assertEquals(image.manifestDigest(), d);
            assertEquals(d, Digest.of(TestRegistry.skopeo("inspect", "--raw", "--tls-verify=false", "--creds", creds,
                    "docker://" + r.host() + "/private/pushed:v1").getBytes(StandardCharsets.UTF_8)));
            assertTrue(tokens.requests().stream().anyMatch(q -> q.scopes().contains("repository:private/pushed:pull,push")));
        }
    }
}
