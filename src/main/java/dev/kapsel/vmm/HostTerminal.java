package dev.kapsel.vmm;

import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.Terminal;

/**
 * Puts the host terminal in raw mode while a guest console is attached, so keys (Ctrl-C included)
 * reach the guest as they are typed, and restores its attributes on exit. Does nothing unless both
 * stdin and stdout are a terminal.
 */
public final class HostTerminal implements AutoCloseable {
    private final int fd;
    private final byte[] saved;

    private HostTerminal(int fd, byte[] saved) {
        this.fd = fd;
        this.saved = saved;
    }

    public static HostTerminal attach() {
        if (!Terminal.isTerminal(1)) {
            return new HostTerminal(0, null);
        }
        return attach(0);
    }

    /** Makes the terminal on {@code fd} raw until {@link #close}; nothing when it is not a terminal. */
    static HostTerminal attach(int fd) {
        byte[] saved = Terminal.attributes(fd);
        if (saved == null) {
            return new HostTerminal(fd, null);
        }
        Terminal.makeRaw(fd);
        HostTerminal t = new HostTerminal(fd, saved);
        Runtime.getRuntime().addShutdownHook(new Thread(t::close));
        return t;
    }

    @Override
    public synchronized void close() {
        if (saved != null) {
            try {
                Terminal.setAttributes(fd, saved);
            } catch (SyscallException ignored) {
                // Best effort: the terminal may already be gone.
            }
        }
    }
}
