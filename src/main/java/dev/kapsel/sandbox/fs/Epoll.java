package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An epoll instance: the interest list (descriptor, its open file, events, user data). Readiness
 * is level-triggered; EPOLLET is accepted and served as level-triggered (a program that reads
 * until EAGAIN behaves the same); EPOLLONESHOT disarms an entry after it is reported once.
 */
public final class Epoll extends AnonInodeFile {
    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    public static final int EPOLLONESHOT = 1 << 30;
    private static final int MAX_ENTRIES = 65536;

    /** One watched descriptor. */
    public static final class Entry {
        final int fd;
        final OpenFile file;
        int events;
        long data;

        Entry(int fd, OpenFile file, int events, long data) {
            this.fd = fd;
            this.file = file;
            this.events = events;
            this.data = data;
        }
    }

    /** A ready entry: its events and user data. */
    public record Ready(int events, long data) {}

    private final Map<Integer, Entry> interest = new LinkedHashMap<>();

    public Epoll() {
        super(0);
    }

    public void control(int op, int fd, OpenFile file, int events, long data) {
        if (file == this) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Entry e = interest.get(fd);
        if (e != null && e.file != file) {
            interest.remove(fd); // the descriptor was closed and reused
            e = null;
        }
        switch (op) {
            case EPOLL_CTL_ADD -> {
                if (e != null) {
                    throw new ErrnoException(Errno.EEXIST);
                }
                if (interest.size() >= MAX_ENTRIES) {
                    throw new ErrnoException(Errno.ENOSPC);
                }
                interest.put(fd, new Entry(fd, file, events, data));
            }
            case EPOLL_CTL_MOD -> {
                if (e == null) {
                    throw new ErrnoException(Errno.ENOENT);
                }
                e.events = events;
                e.data = data;
            }
            case EPOLL_CTL_DEL -> {
                if (e == null) {
                    throw new ErrnoException(Errno.ENOENT);
                }
                interest.remove(fd);
            }
            default -> throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** Ready entries now, at most {@code max}; {@code stillOpen} tells whether fd still refers to the file watched. */
    public List<Ready> ready(int max, java.util.function.BiPredicate<Integer, OpenFile> stillOpen, boolean consume) {
        List<Ready> out = new ArrayList<>();
        for (Entry e : interest.values()) {
            if (out.size() >= max) {
                break;
            }
            if (!stillOpen.test(e.fd, e.file)) {
                continue;
            }
            int got = e.file.poll() & ((e.events & 0xffff) | POLLERR | POLLHUP);
            if (got != 0 && (e.events & 0xffff) != 0) {
                out.add(new Ready(got, e.data));
                if (consume && (e.events & EPOLLONESHOT) != 0) {
                    e.events = 0;
                }
            }
        }
        return out;
    }

    public boolean watchesHostFiles() {
        for (Entry e : interest.values()) {
            if (e.file.hostBacked()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int poll() {
        return ready(1, (fd, f) -> true, false).isEmpty() ? 0 : POLLIN;
    }
}
