package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MOUNT against the real agent on the host with {@code --root}: the host has no virtio-fs device, so
 * the mount itself fails, but the target's directories are made inside the root (through a symlink
 * in the root too), bad targets are refused, and MOUNT after START is refused. The mount succeeding
 * is VirtioFsGuestTest's.
 */
@Timeout(60)
class AgentMountTest {
    @TempDir
    Path dir;

    @Test
    void targetsAreMadeInsideTheRootAndBadOnesRefused() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../outside"));
        GuestAgentProcess agent = GuestAgentProcess.start(dir, List.of(), List.of("--root", root.toString()));
        try (AgentClient client = agent.connect()) {
            AgentErrorException noDevice = assertThrows(AgentErrorException.class,
                    () -> client.mount("no-such-tag", "/data/deep", AgentClient.MOUNT_READ_ONLY));
            assertEquals(ErrorCode.MOUNT_FAILED, noDevice.code(), noDevice.getMessage());
            assertTrue(noDevice.getMessage().contains("no-such-tag"), noDevice.getMessage());
            assertTrue(Files.isDirectory(root.resolve("data/deep")));

            assertEquals(ErrorCode.MOUNT_FAILED, assertThrows(AgentErrorException.class,
                    () -> client.mount("t", "/abs/via-link", 0)).code());
            assertTrue(Files.isDirectory(root.resolve("via-link")), "an absolute link resolves in the root");
            assertFalse(Files.exists(Path.of("/via-link")));
            assertThrows(AgentErrorException.class, () -> client.mount("t", "/up/escaped", 0));
            assertFalse(Files.exists(outside.resolve("escaped")), "a relative link cannot climb out of the root");

            for (String bad : new String[] {"relative", "/a/../b", "/./a"}) {
                assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(AgentErrorException.class,
                        () -> client.mount("t", bad, 0)).code(), bad);
            }
            assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(AgentErrorException.class,
                    () -> client.mount("t", "/x", 0x80)).code(), "unknown flag");
            // the root holds no shell: a static program (the agent itself, asking for its usage) is START enough
            Files.copy(GuestAgentProcess.BINARY, root.resolve("prog"));
            client.start(ProcessSpec.of("/prog", "--help").build()).waitFor();
            assertEquals(ErrorCode.ALREADY_STARTED, assertThrows(AgentErrorException.class,
                    () -> client.mount("t", "/late", 0)).code());
        } finally {
            agent.close();
        }
    }
}
