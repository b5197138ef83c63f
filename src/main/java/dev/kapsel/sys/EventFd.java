package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Linux eventfd: a counter the kernel can signal (irqfd) or wait on (ioeventfd). {@link #signal}
 * runs on every guest interrupt and queue kick, so neither it nor {@link #read} allocates: signal
 * writes one shared constant, and read fills a buffer of this eventfd's own.
 */
public final class EventFd implements AutoCloseable {
    /** The 8-byte value every signal adds; never written after it is filled. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private final FileDescriptor fd;
    /** Where {@link #read} puts the counter: an eventfd has one reader (its I/O thread) at a time. */
    private final MemorySegment counter = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);

    public EventFd(int flags) {
        this.fd = new FileDescriptor(Libc.eventfd(0, flags | Libc.EFD_CLOEXEC));
    }

    public int fd() {
        return fd.fd();
    }

    public void signal() {
        Libc.write(fd.fd(), ONE, 8);
    }

    /** Blocks (unless non-blocking) and returns the counter, resetting it to zero. */
    public synchronized long read() {
        Libc.read(fd.fd(), counter, 8);
        return counter.get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    public void close() {
        fd.close();
    }
}
