package dev.kapsel.devices.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Maven build made the vsock guest helpers as static x86-64 ELF executables. */
class VsockGuestProgramsTest {
    @Test
    void theBuildMadeTheHelpersAsStaticElfExecutables() throws Exception {
        for (String name : new String[] {"vsock-echo", "vsock-connect"}) {
            Path exe = VsockGuestPrograms.executable(name);
            byte[] head;
            try (InputStream in = Files.newInputStream(exe)) {
                head = in.readNBytes(18);
            }
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(head, 4), name);
            assertEquals(2, head[16], name + " is ET_EXEC (static, not PIE)");
        }
    }
}
