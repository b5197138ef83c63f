package dev.kapsel.oci.monitor;

import dev.kapsel.oci.InvalidStateException;
import dev.kapsel.host.ProcessIdentity;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Poll;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The start handshake, runc's {@code exec.fifo}: {@code create} makes the FIFO, the monitor blocks
 * opening it for writing and writes one byte, {@code start} opens it for reading and takes that byte,
 * which releases the monitor to run the container. {@code start} polls, so a monitor that died
 * before the handshake gives an error instead of a hang.
 */
public final class StartFifo {
    public static final String NAME = "exec.fifo";
    private static final int POLL_MILLIS = 50;

    private StartFifo() {}

    public static Path create(Path containerDir) {
        Path fifo = containerDir.resolve(NAME);
        Libc.mkfifo(fifo.toString(), 0600);
        return fifo;
    }

    /** Monitor side: blocks until {@code start} opens the FIFO, then hands over the byte. */
    public static void awaitStart(Path fifo) {
        int fd = Libc.open(fifo.toString(), Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(1);
            one.set(ValueLayout.JAVA_BYTE, 0, (byte) '0');
            Libc.write(fd, one, 1);
        } finally {
            Libc.close(fd);
        }
    }

    /** {@code start} side: releases the monitor, waiting while it lives; the FIFO is removed after. */
    public static void release(Path fifo, ProcessIdentity monitor, String id) {
        if (!Files.exists(fifo)) {
            throw new InvalidStateException("container " + id + " was already started");
        }
        int fd = Libc.open(fifo.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(1);
            while (true) {
                int revents = Poll.ready(fd, Poll.POLLIN, POLL_MILLIS);
                if (revents != 0) {
                    if ((revents & Poll.POLLIN) != 0 && Libc.read(fd, buffer, 1) == 1) {
                        break;
                    }
                    throw new InvalidStateException("container " + id + ": the monitor closed the start handshake without starting");
                }
                if (!monitor.isAlive()) {
                    throw new InvalidStateException("container " + id + ": its monitor (pid " + monitor.pid() + ") exited before start");
                }
            }
        } finally {
            Libc.close(fd);
        }
        try {
            Files.deleteIfExists(fifo);
        } catch (java.io.IOException ignored) {
            // the state shows running either way; delete removes the directory
        }
    }
}
