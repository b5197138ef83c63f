package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {
    /** Sets a terminal's size; kapsel itself never does, the tests do (checked by TerminalLayoutTest). */
    static final long TIOCSWINSZ = 0x5414;

    @TempDir
    Path dir;

    @Test
    void aTerminalIsOneHasASizeAndBecomesRaw() {
        Path file = dir.resolve("plain");
        int plain = Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
        try {
            assertFalse(Terminal.isTerminal(plain));
            assertEquals(Optional.empty(), Terminal.windowSize(plain), "a plain file is no terminal");
        } finally {
            Libc.close(plain);
        }
        int master = Libc.open("/dev/ptmx", Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        try {
            Terminal.unlockSlave(master);
            String slavePath = Terminal.slavePath(master);
            assertTrue(slavePath.matches("/dev/pts/[0-9]+"), slavePath);
            int slave = Libc.open(slavePath, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            try {
                assertTrue(Terminal.isTerminal(slave));
                assertEquals(Optional.of(new WindowSize(0, 0)), Terminal.windowSize(slave));
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment ws = arena.allocate(Terminal.WINSIZE_SIZE);
                    ws.set(ValueLayout.JAVA_SHORT, 0, (short) 50);
                    ws.set(ValueLayout.JAVA_SHORT, 2, (short) 132);
                    Libc.ioctl(master, TIOCSWINSZ, ws);
                }
                assertEquals(Optional.of(new WindowSize(50, 132)), Terminal.windowSize(slave), "rows first, then columns");
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
        } finally {
            Libc.close(master);
        }
    }

    @Test
    void aSlaveStaysLockedUntilUnlocked() {
        int master = Libc.open("/dev/ptmx", Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        try {
            SyscallException locked = assertThrows(SyscallException.class,
                    () -> Libc.open(Terminal.slavePath(master), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0));
            assertEquals(Errno.EIO, locked.errno());
            Terminal.unlockSlave(master);
            Libc.close(Libc.open(Terminal.slavePath(master), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0));
        } finally {
            Libc.close(master);
        }
    }
}
