package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.oci.backend.OciLaunch;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.sandbox.SandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sandbox makes of a bundle: its directory and file binds mounted with their ro, its root written through. */
class SandboxIsolationTest {
    @TempDir
    Path dir;

    @Test
    void aBundleRootIsWrittenThroughAndItsBindsAreMountedInOrder() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 box\n");
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.createDirectories(dir.resolve("rootfs"));
        ContainerLaunch launch = OciLaunch.of(ConfigReader.parse("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": ["sh"], "cwd": "/"},
                 "mounts": [
                  {"destination": "/proc", "type": "proc", "source": "proc"},
                  {"destination": "/etc/hosts", "type": "bind", "source": "%s", "options": ["rbind", "ro"]},
                  {"destination": "/data/", "type": "bind", "source": "%s", "options": ["rbind", "rw"]},
                  {"destination": "/gone", "type": "bind", "source": "%s/missing", "options": ["rbind"]}]}
                """.formatted(hosts, data, dir)), dir);
        SandboxConfig c = SandboxIsolation.config(launch, 0, 1, 2);
        assertTrue(c.writeThrough());
        assertEquals(List.of(new SandboxConfig.Bind(hosts, "/etc/hosts", true), new SandboxConfig.Bind(data, "/data", false)), c.binds());
        assertTrue(c.files().isEmpty()); // bound files are mounted, not copied
    }

    @Test
    void aReadOnlyBundleRootKeepsTheInMemoryLayer() throws Exception {
        Files.createDirectories(dir.resolve("rootfs"));
        ContainerLaunch launch = OciLaunch.of(ConfigReader.parse("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs", "readonly": true}, "process": {"args": ["sh"], "cwd": "/"}}
                """), dir);
        assertFalse(SandboxIsolation.config(launch, 0, 1, 2).writeThrough());
    }
}
