package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A static C program starts, prints and exits with its status, both as ET_EXEC and static-PIE. */
class SandboxSmokeTest {
    @TempDir
    Path dir;

    @Test
    void helloRunsAndExitsWithItsStatus() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("hello", false), GuestPrograms.compile("hello", true));
        GuestPrograms.Run r = GuestPrograms.run(root, true, "/bin/hello", "world");
        assertEquals(7, r.result().exitStatus(), r.describe());
        assertEquals("hello from the sandbox, argc=2 argv[1]=world\n", r.stdout(), r.describe());
        GuestPrograms.Run pie = GuestPrograms.run(root, false, "hello-pie", "pie");
        assertEquals(7, pie.result().exitStatus(), pie.describe());
        assertEquals("hello from the sandbox, argc=2 argv[1]=pie\n", pie.stdout(), pie.describe());
    }
}
