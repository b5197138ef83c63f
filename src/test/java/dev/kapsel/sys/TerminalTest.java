package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.oci.console.Pty;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {
    @TempDir
    Path dir;

    @Test
    void aTerminalIsOneHasASizeAndBecomesRaw() {
        Path file = dir.resolve("plain");
        int plain = Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
        try {
            assertFalse(Terminal.isTerminal(plain));
            assertNull(Terminal.windowSize(plain), "a plain file is no terminal");
        } finally {
            Libc.close(plain);
        }
        try (Pty pty = Pty.open()) {
            int slave = Libc.open(pty.slavePath(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            try {
                assertTrue(Terminal.isTerminal(slave));
                assertArrayEquals(new int[] {0, 0}, Terminal.windowSize(slave));
                Terminal.makeRaw(slave);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment t = arena.allocate(Terminal.TERMIOS_SIZE);
                    Libc.ioctl(slave, Terminal.TCGETS, t);
                    int lflag = t.get(ValueLayout.JAVA_INT, 12);
                    assertEquals(0, lflag & (0x002 | 0x008 | 0x001), "ICANON, ECHO and ISIG are off");
                    assertEquals(0, t.get(ValueLayout.JAVA_INT, 4) & 0x1, "OPOST is off: \\n stays \\n");
                    assertEquals(0, t.get(ValueLayout.JAVA_INT, 0) & 0x100, "ICRNL is off");
                }
            } finally {
                Libc.close(slave);
            }
        }
    }
}
