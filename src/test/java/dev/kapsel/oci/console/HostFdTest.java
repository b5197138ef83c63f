package dev.kapsel.oci.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kapsel.sys.Libc;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFdTest {
    @TempDir
    Path dir;

    @Test
    void bytesGoThroughTheDescriptorUnchangedAndEndOfFileIsMinusOne() throws Exception {
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        Path f = dir.resolve("f");
        int w = Libc.open(f.toString(), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
        try {
            OutputStream out = HostFd.output(w);
            out.write(data, 10, data.length - 10);
            out.write(data[0]);
        } finally {
            Libc.close(w);
        }
        byte[] expected = new byte[data.length - 9];
        System.arraycopy(data, 10, expected, 0, data.length - 10);
        expected[expected.length - 1] = data[0];
        assertArrayEquals(expected, Files.readAllBytes(f));
        int r = Libc.open(f.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
            InputStream in = HostFd.input(r);
            assertArrayEquals(expected, in.readAllBytes());
            assertEquals(-1, in.read());
        } finally {
            Libc.close(r);
        }
    }

    @Test
    void aTerminalHasASizeAndBecomesRaw() {
        Path file = dir.resolve("plain");
        int plain = Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
        try {
            assertNull(HostFd.windowSize(plain), "a plain file is no terminal");
        } finally {
            Libc.close(plain);
        }
        try (Pty pty = Pty.open()) {
            int slave = Libc.open(pty.slavePath(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            try {
                assertArrayEquals(new int[] {0, 0}, HostFd.windowSize(slave));
                HostFd.makeRaw(slave);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment t = arena.allocate(HostFd.TERMIOS_SIZE);
                    Libc.ioctl(slave, HostFd.TCGETS, t);
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
