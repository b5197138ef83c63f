package dev.kapsel.sandbox;

import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Whether a host file descriptor is a terminal (the TCGETS ioctl succeeds on it), for {@code sandbox run -t}. */
public final class HostTerminal {
    private static final long TCGETS = 0x5401;
    private static final int TERMIOS_SIZE = 60;

    private HostTerminal() {}

    public static boolean isTerminal(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment termios = arena.allocate(TERMIOS_SIZE);
            Libc.ioctl(fd, TCGETS, termios);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
