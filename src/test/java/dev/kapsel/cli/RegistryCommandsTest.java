package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.image.registry.TestRegistry;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry commands through bin/kapsel against a real registry: pull, images, inspect, tag,
 * push, and {@code kapsel run} of an image the store lacks (pulled first, then run in the sandbox,
 * which works on this host).
 */
class RegistryCommandsTest {
    @TempDir
    static Path work;
    static TestRegistry registry;
    static String busybox;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.open(work.resolve("registry"));
        Path layout = BusyboxImage.writeLayout(Files.createDirectory(work.resolve("layout")));
        busybox = registry.host() + "/kapsel-test/busybox:latest";
        TestRegistry.skopeo("copy", "--dest-tls-verify=false", "oci:" + layout, "docker://" + busybox);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    static Guest.Result kapsel(Path state, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString(), "REGISTRY_AUTH_FILE", state.resolve("auth.json").toString()));
    }

    @Test
    void runPullsAMissingImageThenRunsIt(@TempDir Path state) throws Exception {
        Guest.Result never = kapsel(state, "run", "--pull", "never", "--isolation=sandbox", busybox, "true");
        assertEquals(125, never.exitCode(), never.toString());
        assertTrue(never.stderr().contains("no image named"), never.toString());
        Guest.Result bad = kapsel(state, "run", "--pull", "sometimes", "--isolation=sandbox", busybox, "true");
        assertTrue(bad.exitCode() != 0 && bad.stderr().contains("--pull: 'sometimes' is not missing, always or never"), bad.toString());

        Guest.Result first = kapsel(state, "run", "--isolation=sandbox", busybox, "echo", "pulled and ran");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("pulled and ran\n", first.stdout(), "the pull line goes to stderr: " + first);
        assertTrue(first.stderr().contains("Pulled " + busybox + " (sha256:"), first.toString());
        Guest.Result second = kapsel(state, "run", "--pull", "never", "--isolation=sandbox", busybox, "echo", "again");
        assertEquals("again\n", second.stdout(), second.toString());
        assertTrue(!second.stderr().contains("Pulled"), second.toString());

        Guest.Result missing = kapsel(state, "run", "--isolation=sandbox", registry.host() + "/kapsel-test/none:1", "true");
        assertEquals(125, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().contains("no image named") && missing.stderr().contains("pulling it failed: " + registry.host()
                + ": fetch of manifest 1 of " + registry.host() + "/kapsel-test/none:1 failed: HTTP 404"), missing.toString());
    }

    @Test
    void pullInspectTagAndPush(@TempDir Path state) throws Exception {
        Guest.Result pull = kapsel(state, "pull", busybox);
        assertEquals(0, pull.exitCode(), pull.toString());
        assertTrue(pull.stdout().startsWith("Pulled " + busybox + " (sha256:"), pull.toString());
        String digest = pull.stdout().replaceAll("(?s).*\\((sha256:[0-9a-f]{64})\\).*", "$1");

        Guest.Result inspect = kapsel(state, "inspect", busybox);
        assertEquals(0, inspect.exitCode(), inspect.toString());
        JsonNode doc = new ObjectMapper().readTree(inspect.stdout());
        assertEquals(digest, doc.path("Digest").asText());
        assertEquals(doc.path("Manifest").path("config").path("digest").asText().isEmpty(), false);
        assertEquals("IMAGE_VAR=from-image", doc.path("Config").path("config").path("Env").get(1).asText(), inspect.stdout());

        String target = registry.host() + "/copies/busybox:v2";
        Guest.Result tag = kapsel(state, "tag", busybox, target);
        assertEquals("Tagged " + busybox + " as " + target + "\n", tag.stdout(), tag.toString());
        Guest.Result push = kapsel(state, "push", target);
        assertEquals("Pushed " + target + " (" + digest + ")\n", push.stdout(), push.toString());
        String raw = TestRegistry.skopeo("inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + target).strip();
        assertEquals(digest, raw);
        Guest.Result images = kapsel(state, "images");
        assertTrue(images.stdout().contains(target) && images.stdout().contains(busybox), images.toString());

        Guest.Result badRef = kapsel(state, "pull", "Upper/Case");
        assertTrue(badRef.exitCode() != 0 && badRef.stderr().contains("invalid image reference 'Upper/Case': repository name must be lowercase"),
                badRef.toString());
        Guest.Result badPlatform = kapsel(state, "pull", "--platform", "linux", busybox);
        assertTrue(badPlatform.exitCode() != 0 && badPlatform.stderr().contains("--platform: platform 'linux' is not os/architecture"),
                badPlatform.toString());
    }
}
