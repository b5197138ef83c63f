package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An array of {@code struct pollfd} (poll.h: {@code int fd; short events; short revents;}) and the
 * poll(2) over it. The one place that knows that layout: a thread that waits on the same descriptors
 * in a loop keeps one instance and refills it with {@link #set}.
 */
public final class Poll {
    public static final long POLLFD_SIZE = 8;
    public static final long POLLFD_FD = 0;
    public static final long POLLFD_EVENTS = 4;
    public static final long POLLFD_REVENTS = 6;

    public static final short POLLIN = 0x001;
    public static final short POLLPRI = 0x002;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;
    public static final short POLLNVAL = 0x020;

    private final MemorySegment fds;
    private final int count;

    /** {@code count} entries, all with fd -1 (which poll(2) skips) until {@link #set}. */
    public Poll(int count) {
        this(Arena.ofAuto(), count);
    }

    private Poll(Arena arena, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("poll needs at least one descriptor, not " + count);
        }
        this.count = count;
        this.fds = arena.allocate(POLLFD_SIZE * count, 4);
        for (int i = 0; i < count; i++) {
            set(i, -1, 0);
        }
    }

    /** Entry {@code i} waits for {@code events} on {@code fd}; a negative fd makes poll(2) skip it. Clears its revents. */
    public void set(int i, int fd, int events) {
        long at = offset(i);
        fds.set(ValueLayout.JAVA_INT, at + POLLFD_FD, fd);
        fds.set(ValueLayout.JAVA_SHORT, at + POLLFD_EVENTS, (short) events);
        fds.set(ValueLayout.JAVA_SHORT, at + POLLFD_REVENTS, (short) 0);
    }

    /** What the last {@link #poll} found on entry {@code i} (POLLIN, POLLHUP, ...), 0 if nothing. */
    public int revents(int i) {
        return Short.toUnsignedInt(fds.get(ValueLayout.JAVA_SHORT, offset(i) + POLLFD_REVENTS));
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: no limit) for an entry to be ready and returns how many
     * are. A signal that interrupts the wait (EINTR) returns 0, as a timeout does, with every revents
     * cleared: each caller loops anyway and looks again at what it waits for.
     */
    public int poll(int timeoutMillis) {
        try {
            return Libc.poll(fds, count, timeoutMillis);
        } catch (SyscallException e) {
            if (e.errno() != Errno.EINTR) {
                throw e;
            }
            for (int i = 0; i < count; i++) {
                fds.set(ValueLayout.JAVA_SHORT, offset(i) + POLLFD_REVENTS, (short) 0);
            }
            return 0;
        }
    }

    /** One poll(2) of one descriptor: its revents after up to {@code timeoutMillis}, 0 if it did not become ready. */
    public static int ready(int fd, int events, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            Poll one = new Poll(arena, 1);
            one.set(0, fd, events);
            return one.poll(timeoutMillis) > 0 ? one.revents(0) : 0;
        }
    }

    private long offset(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("pollfd " + i + " of " + count);
        }
        return POLLFD_SIZE * i;
    }
}
