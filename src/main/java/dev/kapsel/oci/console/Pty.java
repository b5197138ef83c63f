package dev.kapsel.oci.console;

import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A pseudo-terminal pair from {@code /dev/ptmx}: the master descriptor (held by this process until
 * it is sent to the engine) and the path of the unlocked slave, which becomes the container's stdio.
 */
public record Pty(int master, String slavePath) implements AutoCloseable {
    static final long TIOCGPTN = 0x80045430L;
    static final long TIOCSPTLCK = 0x40045431L;
    public static final long TIOCSCTTY = 0x540EL;

    public static Pty open() {
        int master = Libc.open("/dev/ptmx", Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            value.set(ValueLayout.JAVA_INT, 0, 0);
            Libc.ioctl(master, TIOCSPTLCK, value);
            Libc.ioctl(master, TIOCGPTN, value);
            return new Pty(master, "/dev/pts/" + value.get(ValueLayout.JAVA_INT, 0));
        } catch (RuntimeException e) {
            Libc.close(master);
            throw e;
        }
    }

    @Override
    public void close() {
        Libc.close(master);
    }
}
