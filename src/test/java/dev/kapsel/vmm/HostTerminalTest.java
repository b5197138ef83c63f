package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kapsel.oci.console.Pty;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Terminal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTerminalTest {
    @TempDir
    Path dir;

    @Test
    void theTerminalIsRawWhileAttachedAndRestoredAfter() {
        try (Pty pty = Pty.open()) {
            int slave = Libc.open(pty.slavePath(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            try {
                byte[] before = Terminal.attributes(slave);
                int lflag = lflag(before);
                assertNotEquals(0, lflag & 0x002, "a new pty is canonical");
                try (HostTerminal t = HostTerminal.attach(slave)) {
                    assertEquals(0, lflag(Terminal.attributes(slave)) & (0x002 | 0x008 | 0x001), "ICANON, ECHO, ISIG off");
                }
                assertArrayEquals(before, Terminal.attributes(slave));
            } finally {
                Libc.close(slave);
            }
        }
    }

    @Test
    void aPlainFileIsLeftAlone() {
        int plain = Libc.open(dir.resolve("f").toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
        try (HostTerminal t = HostTerminal.attach(plain)) {
            assertEquals(null, Terminal.attributes(plain));
        } finally {
            Libc.close(plain);
        }
    }

    private static int lflag(byte[] termios) {
        return (termios[12] & 0xff) | (termios[13] & 0xff) << 8 | (termios[14] & 0xff) << 16 | (termios[15] & 0xff) << 24;
    }
}
