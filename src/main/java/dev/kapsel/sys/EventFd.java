package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A Linux eventfd: a counter the kernel can signal (irqfd) or wait on (ioeventfd). */
public final class EventFd implements AutoCloseable {
    private final FileDescriptor fd;

    public EventFd(int flags) {
        this.fd = new FileDescriptor(Libc.eventfd(0, flags | Libc.EFD_CLOEXEC));
    }

    public int fd() {
        return fd.fd();
    }

    public void signal() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            Libc.write(fd.fd(), one, 8);
        }
    }

    /** Blocks (unless non-blocking) and returns the counter, resetting it to zero. */
    public long read() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            Libc.read(fd.fd(), value, 8);
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
