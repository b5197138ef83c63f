package dev.kapsel.sandbox;

import static dev.kapsel.sandbox.syscall.Arg.FD;
import static dev.kapsel.sandbox.syscall.Arg.FLAGS;
import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.fs.Epoll;
import dev.kapsel.sandbox.fs.EventFdFile;
import dev.kapsel.sandbox.fs.FdTable;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.Pipe;
import dev.kapsel.sandbox.syscall.SyscallTable;
import dev.kapsel.sys.Errno;
import java.util.List;

/**
 * Pipes, readiness and the small IPC objects: pipe/pipe2, poll/ppoll, select/pselect6, epoll,
 * eventfd (sockets are {@link SocketSyscalls}). Waits release the {@link KernelLock}; sets that contain host
 * streams are looked at again every few milliseconds, since no one in the sandbox wakes them.
 */
final class IpcSyscalls {
    private static final int O_CLOEXEC = 02000000;
    private static final long HOST_POLL_NANOS = 10_000_000L;
    private final Kernel kernel;
    private final SandboxProcess p;
    private final KernelLock lock;

    IpcSyscalls(Kernel kernel, SandboxProcess process) {
        this.kernel = kernel;
        this.p = process;
        this.lock = kernel.lock();
    }

    void register(SyscallTable t) {
        t.define(22, "pipe", (a, b, c, d, e, f) -> pipe2(a, 0), HEX);
        t.define(293, "pipe2", (a, b, c, d, e, f) -> pipe2(a, b), HEX, FLAGS);
        t.define(7, "poll", (a, b, c, d, e, f) -> poll(a, b, c < 0 ? -1 : System.nanoTime() + c * 1_000_000L, -1), HEX, INT, INT);
        t.define(271, "ppoll", (a, b, c, d, e, f) -> poll(a, b, c == 0 ? -1 : System.nanoTime() + timespec(c), d), HEX, INT, HEX, HEX, INT);
        t.define(23, "select", (a, b, c, d, e, f) -> select(a, b, c, d, e == 0 ? -1 : System.nanoTime() + timeval(e), -1), INT, HEX, HEX, HEX, HEX);
        t.define(270, "pselect6", (a, b, c, d, e, f) -> select(a, b, c, d, e == 0 ? -1 : System.nanoTime() + timespec(e),
                f == 0 ? -1 : p.memory().readU64(f)), INT, HEX, HEX, HEX, HEX, HEX);
        t.define(213, "epoll_create", (a, b, c, d, e, f) -> epollCreate(a <= 0 ? -1 : 0), INT);
        t.define(291, "epoll_create1", (a, b, c, d, e, f) -> epollCreate(a), FLAGS);
        t.define(233, "epoll_ctl", (a, b, c, d, e, f) -> epollCtl(a, b, c, d), FD, INT, FD, HEX);
        t.define(232, "epoll_wait", (a, b, c, d, e, f) -> epollWait(a, b, c, d, 0), FD, HEX, INT, INT);
        t.define(281, "epoll_pwait", (a, b, c, d, e, f) -> epollWait(a, b, c, d, e), FD, HEX, INT, INT, HEX);
        t.define(284, "eventfd", (a, b, c, d, e, f) -> eventfd(a, 0), INT);
        t.define(290, "eventfd2", (a, b, c, d, e, f) -> eventfd(a, b), INT, FLAGS);
    }

    private long timespec(long address) {
        long sec = p.memory().readU64(address);
        long nsec = p.memory().readU64(address + 8);
        if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return sec > 1L << 32 ? Long.MAX_VALUE / 4 : sec * 1_000_000_000L + nsec;
    }

    private long timeval(long address) {
        long sec = p.memory().readU64(address);
        long usec = p.memory().readU64(address + 8);
        if (sec < 0 || usec < 0 || usec >= 1_000_000L) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return sec > 1L << 32 ? Long.MAX_VALUE / 4 : sec * 1_000_000_000L + usec * 1000;
    }

    long pipe2(long fdsAddress, long flags) {
        if ((flags & ~(O_CLOEXEC | OpenFile.O_NONBLOCK | 040000)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        p.memory().check(fdsAddress, 8, true);
        Pipe pipe = new Pipe(lock);
        boolean cloexec = (flags & O_CLOEXEC) != 0;
        OpenFile r = pipe.readEnd((int) flags & OpenFile.O_NONBLOCK);
        OpenFile w = pipe.writeEnd((int) flags & OpenFile.O_NONBLOCK);
        int rfd, wfd;
        try {
            rfd = p.fds().install(r, cloexec);
        } catch (ErrnoException e) {
            r.close();
            w.close();
            throw e;
        }
        try {
            wfd = p.fds().install(w, cloexec);
        } catch (ErrnoException e) {
            p.fds().close(rfd);
            w.close();
            throw e;
        }
        p.memory().writeU32(fdsAddress, rfd);
        p.memory().writeU32(fdsAddress + 4, wfd);
        return 0;
    }

    /** Waits with the task's mask replaced by {@code mask} (-1: unchanged) until {@code ready} or the deadline (-1: none). */
    private void waitReady(java.util.function.BooleanSupplier ready, long deadline, long mask, boolean host) {
        if (mask != -1) {
            Task.current().suspendMask(mask);
        }
        if (deadline == System.nanoTime() || ready.getAsBoolean()) {
            return;
        }
        lock.await(ready, deadline == -1 ? Long.MAX_VALUE : deadline, host ? HOST_POLL_NANOS : Long.MAX_VALUE);
    }

    long poll(long fdsAddress, long nfds, long deadline, long maskAddress) {
        if (nfds < 0 || nfds > FdTable.LIMIT) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int n = (int) nfds;
        byte[] raw = p.memory().read(fdsAddress, n * 8);
        long mask = maskAddress != -1 && maskAddress != 0 ? p.memory().readU64(maskAddress) : -1;
        OpenFile[] files = new OpenFile[n];
        boolean host = false;
        for (int i = 0; i < n; i++) {
            int fd = i32(raw, i * 8);
            if (fd >= 0) {
                try {
                    files[i] = p.fds().get(fd);
                    host |= files[i].hostBacked();
                } catch (ErrnoException e) {
                    files[i] = null;
                }
            }
        }
        short[] revents = new short[n];
        int[] count = {0};
        java.util.function.BooleanSupplier scan = () -> {
            count[0] = 0;
            for (int i = 0; i < n; i++) {
                int fd = i32(raw, i * 8);
                int events = (raw[i * 8 + 4] & 0xff) | (raw[i * 8 + 5] & 0xff) << 8;
                if (fd < 0) {
                    revents[i] = 0;
                    continue;
                }
                int got = files[i] == null ? OpenFile.POLLNVAL
                        : files[i].poll() & (events | OpenFile.POLLERR | OpenFile.POLLHUP);
                revents[i] = (short) got;
                if (got != 0) {
                    count[0]++;
                }
            }
            return count[0] > 0;
        };
        long start = System.nanoTime();
        waitReady(scan, deadline == -1 ? -1 : Math.max(deadline, start), mask, host);
        for (int i = 0; i < n; i++) {
            raw[i * 8 + 6] = (byte) revents[i];
            raw[i * 8 + 7] = (byte) (revents[i] >> 8);
        }
        p.memory().write(fdsAddress, raw);
        return count[0];
    }

    long select(long nfdsArgument, long readAddress, long writeAddress, long exceptAddress, long deadline, long mask) {
        if (nfdsArgument < 0 || nfdsArgument > FdTable.LIMIT) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int nfds = (int) nfdsArgument;
        int bytes = ((nfds + 63) / 64) * 8;
        byte[] rin = readAddress != 0 ? p.memory().read(readAddress, bytes) : new byte[bytes];
        byte[] win = writeAddress != 0 ? p.memory().read(writeAddress, bytes) : new byte[bytes];
        byte[] ein = exceptAddress != 0 ? p.memory().read(exceptAddress, bytes) : new byte[bytes];
        OpenFile[] files = new OpenFile[nfds];
        boolean host = false;
        for (int fd = 0; fd < nfds; fd++) {
            if (bit(rin, fd) || bit(win, fd) || bit(ein, fd)) {
                files[fd] = p.fds().get(fd); // EBADF as Linux
                host |= files[fd].hostBacked();
            }
        }
        byte[] rout = new byte[bytes], wout = new byte[bytes], eout = new byte[bytes];
        int[] count = {0};
        java.util.function.BooleanSupplier scan = () -> {
            java.util.Arrays.fill(rout, (byte) 0);
            java.util.Arrays.fill(wout, (byte) 0);
            java.util.Arrays.fill(eout, (byte) 0);
            count[0] = 0;
            for (int fd = 0; fd < nfds; fd++) {
                if (files[fd] == null) {
                    continue;
                }
                int got = files[fd].poll();
                if (bit(rin, fd) && (got & (OpenFile.POLLIN | OpenFile.POLLHUP | OpenFile.POLLERR)) != 0) {
                    set(rout, fd);
                    count[0]++;
                }
                if (bit(win, fd) && (got & (OpenFile.POLLOUT | OpenFile.POLLERR)) != 0) {
                    set(wout, fd);
                    count[0]++;
                }
                if (bit(ein, fd) && (got & OpenFile.POLLPRI) != 0) {
                    set(eout, fd);
                    count[0]++;
                }
            }
            return count[0] > 0;
        };
        waitReady(scan, deadline, mask, host);
        if (readAddress != 0) {
            p.memory().write(readAddress, rout);
        }
        if (writeAddress != 0) {
            p.memory().write(writeAddress, wout);
        }
        if (exceptAddress != 0) {
            p.memory().write(exceptAddress, eout);
        }
        return count[0];
    }

    private static boolean bit(byte[] set, int fd) {
        return (set[fd >> 3] & (1 << (fd & 7))) != 0;
    }

    private static void set(byte[] set, int fd) {
        set[fd >> 3] |= (byte) (1 << (fd & 7));
    }

    private static int i32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | b[off + 3] << 24;
    }

    long epollCreate(long flags) {
        if ((flags & ~O_CLOEXEC) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return p.fds().install(new Epoll(), (flags & O_CLOEXEC) != 0);
    }

    long epollCtl(long epfd, long op, long fd, long eventAddress) {
        if (!(p.fds().get(epfd) instanceof Epoll ep)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        OpenFile file = p.fds().get(fd);
        int events = 0;
        long data = 0;
        if (op != Epoll.EPOLL_CTL_DEL) {
            byte[] ev = p.memory().read(eventAddress, 12);
            events = i32(ev, 0);
            for (int i = 11; i >= 4; i--) {
                data = (data << 8) | (ev[i] & 0xff);
            }
        }
        ep.control((int) op, (int) fd, file, events, data);
        return 0;
    }

    long epollWait(long epfd, long eventsAddress, long max, long timeoutMillis, long maskAddress) {
        if (!(p.fds().get(epfd) instanceof Epoll ep)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (max <= 0 || max > 1 << 16) {
            throw new ErrnoException(Errno.EINVAL);
        }
        p.memory().check(eventsAddress, max * 12, true);
        long mask = maskAddress != 0 ? p.memory().readU64(maskAddress) : -1;
        int timeout = (int) timeoutMillis;
        long deadline = timeout < 0 ? -1 : System.nanoTime() + timeout * 1_000_000L;
        FdTable fds = p.fds();
        java.util.function.BiPredicate<Integer, OpenFile> open = (fd, f) -> {
            try {
                return fds.get(fd) == f;
            } catch (ErrnoException e) {
                return false;
            }
        };
        waitReady(() -> !ep.ready(1, open, false).isEmpty(), deadline, mask, ep.watchesHostFiles());
        List<Epoll.Ready> ready = ep.ready((int) max, open, true);
        byte[] out = new byte[ready.size() * 12];
        for (int i = 0; i < ready.size(); i++) {
            int ev = ready.get(i).events();
            long data = ready.get(i).data();
            for (int k = 0; k < 4; k++) {
                out[i * 12 + k] = (byte) (ev >>> (8 * k));
            }
            for (int k = 0; k < 8; k++) {
                out[i * 12 + 4 + k] = (byte) (data >>> (8 * k));
            }
        }
        p.memory().write(eventsAddress, out);
        return ready.size();
    }

    long eventfd(long initial, long flags) {
        if ((flags & ~(O_CLOEXEC | OpenFile.O_NONBLOCK | EventFdFile.EFD_SEMAPHORE)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return p.fds().install(new EventFdFile(lock, initial, (int) flags), (flags & O_CLOEXEC) != 0);
    }
}
