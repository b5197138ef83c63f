package dev.kapsel.oci.console;

import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Terminal;

/**
 * A pseudo-terminal pair from {@code /dev/ptmx}: the master descriptor (held by this process until
 * it is sent to the engine) and the path of the unlocked slave, which becomes the container's stdio.
 */
public record Pty(int master, String slavePath) implements AutoCloseable {
    public static Pty open() {
        int master = Libc.open("/dev/ptmx", Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        try {
            Terminal.unlockSlave(master);
            return new Pty(master, Terminal.slavePath(master));
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
