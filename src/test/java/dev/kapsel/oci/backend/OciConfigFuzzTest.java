package dev.kapsel.oci.backend;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapsel.oci.InvalidConfigException;
import dev.kapsel.oci.UnsupportedConfigException;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import java.nio.file.Path;

/**
 * An engine's (or an attacker's) {@code config.json}: whatever the document holds, reading it and
 * turning it into a launch request either succeeds or fails with the runtime's own "invalid" or
 * "unsupported" error, which the OCI verbs print as one line. Any other exception is a finding.
 */
class OciConfigFuzzTest {
    private static final Path BUNDLE = Path.of("/nonexistent/kapsel-fuzz-bundle");

    @FuzzTest(maxDuration = "30s")
    void anyConfigIsALaunchOrAnInvalidConfigError(FuzzedDataProvider data) {
        String json = data.consumeRemainingAsString();
        try {
            OciConfig config = ConfigReader.parse(json);
            OciLaunch.of(config, BUNDLE);
        } catch (InvalidConfigException | UnsupportedConfigException expected) {
            // a defined refusal
        }
    }
}
