package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls kapsel makes (the thread and signal calls are in {@link ThreadSignals}). One
 * {@code static final} handle per function, errno captured by the linker, every failure turned into
 * a {@link SyscallException} here so nothing above sees a raw -1.
 */
public final class Libc {
    private Libc() {}

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MADV_DONTNEED = 4;

    public static final int EFD_CLOEXEC = 02000000;
    public static final int EFD_NONBLOCK = 04000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    private static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout C_PTR = ValueLayout.ADDRESS;

    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(C_INT, C_PTR, C_INT, C_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle IOCTL_LONG = handle("ioctl",
            FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_PTR = handle("ioctl",
            FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_PTR), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = handle("mmap",
            FunctionDescriptor.of(C_PTR, C_PTR, C_LONG, C_INT, C_INT, C_INT, C_LONG));
    private static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(C_INT, C_PTR, C_LONG));
    private static final MethodHandle MADVISE = handle("madvise", FunctionDescriptor.of(C_INT, C_PTR, C_LONG, C_INT));
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(C_LONG, C_INT, C_PTR, C_LONG));
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(C_LONG, C_INT, C_PTR, C_LONG));
    private static final MethodHandle EVENTFD = handle("eventfd", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(C_INT, C_PTR, C_LONG, C_INT));

    private static final MethodHandle KILL = handle("kill", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle SETSID = handle("setsid", FunctionDescriptor.of(C_INT));
    private static final MethodHandle MKFIFO = handle("mkfifo", FunctionDescriptor.of(C_INT, C_PTR, C_INT));
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
    private static final MethodHandle CONNECT = handle("connect", FunctionDescriptor.of(C_INT, C_INT, C_PTR, C_INT));
    private static final MethodHandle SENDMSG = handle("sendmsg", FunctionDescriptor.of(C_LONG, C_INT, C_PTR, C_INT));
    private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle CHMOD = handle("chmod", FunctionDescriptor.of(C_INT, C_PTR, C_INT));
    private static final MethodHandle LCHOWN = handle("lchown", FunctionDescriptor.of(C_INT, C_PTR, C_INT, C_INT));
    private static final MethodHandle MKNOD = handle("mknod", FunctionDescriptor.of(C_INT, C_PTR, C_INT, C_LONG));
    private static final MethodHandle LSETXATTR = handle("lsetxattr",
            FunctionDescriptor.of(C_INT, C_PTR, C_PTR, C_PTR, C_LONG, C_INT));
    private static final MethodHandle UTIMENSAT = handle("utimensat", FunctionDescriptor.of(C_INT, C_INT, C_PTR, C_PTR, C_INT));

    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long UTIME_OMIT = (1L << 30) - 2;

    static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static int check(String call, int result, MemorySegment state) {
        if (result < 0) {
            throw new SyscallException(call, errno(state));
        }
        return result;
    }

    private static long check(String call, long result, MemorySegment state) {
        if (result < 0) {
            throw new SyscallException(call, errno(state));
        }
        return result;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    public static int open(String path, int flags, int mode) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            return check("open " + path, (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, mode), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        MemorySegment state = STATE.get();
        try {
            check("close", (int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl whose argument is an integer (or none). Returns the non-negative result. */
    public static int ioctl(int fd, long request, long arg) {
        MemorySegment state = STATE.get();
        try {
            return check(ioctlName(request), (int) IOCTL_LONG.invokeExact(state, fd, request, arg), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl whose argument is a pointer to {@code arg}. Returns the non-negative result. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment state = STATE.get();
        try {
            return check(ioctlName(request), (int) IOCTL_PTR.invokeExact(state, fd, request, arg), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl returning -errno instead of throwing, for the hot KVM_RUN path where EINTR is normal. */
    public static int ioctlRaw(int fd, long request, long arg) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static String ioctlName(long request) {
        return String.format("ioctl 0x%x", request);
    }

    /**
     * Maps {@code length} bytes and returns a segment of that size whose lifetime is {@code arena}'s:
     * closing the arena unmaps it.
     */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset, Arena arena) {
        MemorySegment state = STATE.get();
        MemorySegment p;
        try {
            p = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (p.address() == -1L) {
            throw new SyscallException("mmap", errno(state));
        }
        return p.reinterpret(length, arena, Libc::munmapQuietly);
    }

    private static void munmapQuietly(MemorySegment segment) {
        try {
            int ignored = (int) MUNMAP.invokeExact(STATE.get(), segment, segment.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** madvise(2) over the whole of {@code range}, which must start on a page boundary. */
    public static void madvise(MemorySegment range, int advice) {
        MemorySegment state = STATE.get();
        try {
            check("madvise", (int) MADVISE.invokeExact(state, range, range.byteSize(), advice), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(int fd, MemorySegment buffer, long count) {
        MemorySegment state = STATE.get();
        try {
            return check("read", (long) READ.invokeExact(state, fd, buffer, count), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * read(2) returning -errno instead of throwing, for non-blocking I/O threads whose every round ends
     * in EAGAIN: an exception there (message, stack trace) costs more than the read.
     */
    public static long readRaw(int fd, MemorySegment buffer, long count) {
        MemorySegment state = STATE.get();
        try {
            long r = (long) READ.invokeExact(state, fd, buffer, count);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buffer, long count) {
        MemorySegment state = STATE.get();
        try {
            return check("write", (long) WRITE.invokeExact(state, fd, buffer, count), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(int initial, int flags) {
        MemorySegment state = STATE.get();
        try {
            return check("eventfd", (int) EVENTFD.invokeExact(state, initial, flags), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(2) over a {@code struct pollfd[]} segment ({@link Poll} lays it out); returns the number of ready entries. */
    public static int poll(MemorySegment pollfds, long count, int timeoutMillis) {
        MemorySegment state = STATE.get();
        try {
            return check("poll", (int) POLL.invokeExact(state, pollfds, count, timeoutMillis), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** kill(2): sends {@code signal} to process {@code pid} (0 only checks that it may be signalled). */
    public static void kill(int pid, int signal) {
        MemorySegment state = STATE.get();
        try {
            check("kill " + pid, (int) KILL.invokeExact(state, pid, signal), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsid(2): makes the calling process the leader of a new session; returns the session id. */
    public static int setsid() {
        MemorySegment state = STATE.get();
        try {
            return check("setsid", (int) SETSID.invokeExact(state), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void mkfifo(String path, int mode) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            check("mkfifo " + path, (int) MKFIFO.invokeExact(state, arena.allocateFrom(path), mode), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment state = STATE.get();
        try {
            return check("socket", (int) SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** connect(2) to the socket address in {@code address} (its whole size is the address length). */
    public static void connect(int fd, MemorySegment address) {
        MemorySegment state = STATE.get();
        try {
            check("connect", (int) CONNECT.invokeExact(state, fd, address, (int) address.byteSize()), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendmsg(2) of a {@code struct msghdr} ({@link UnixSocket} lays it out); returns the number of bytes sent. */
    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment state = STATE.get();
        try {
            return check("sendmsg", (long) SENDMSG.invokeExact(state, fd, msghdr, flags), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setns(2): moves the calling thread (only it) into the namespace {@code fd} refers to. */
    public static void setns(int fd, int nstype) {
        MemorySegment state = STATE.get();
        try {
            check("setns", (int) SETNS.invokeExact(state, fd, nstype), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /*
     * Path calls that never open the file (NIO's unix:mode / unix:uid / setTimes open it to use the
     * f* calls, and opening a FIFO blocks, opening a device node has side effects).
     */

    /** chmod(2): follows a symbolic link, so callers use it on paths that are not links. */
    public static void chmod(String path, int mode) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            check("chmod " + path, (int) CHMOD.invokeExact(state, arena.allocateFrom(path), mode), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** lchown(2): the owner of the path itself, a symbolic link included. */
    public static void lchown(String path, int uid, int gid) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            check("lchown " + path, (int) LCHOWN.invokeExact(state, arena.allocateFrom(path), uid, gid), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mknod(2) of a FIFO or device node; {@code typeAndMode} is S_IF* | permission bits. */
    public static void mknod(String path, int typeAndMode, long major, long minor) {
        long dev = ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            check("mknod " + path, (int) MKNOD.invokeExact(state, arena.allocateFrom(path), typeAndMode, dev), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** lsetxattr(2): any namespace ({@code user.}, {@code security.capability}, ...), links not followed. */
    public static void lsetxattr(String path, String name, byte[] value) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            check("lsetxattr " + name + " on " + path, (int) LSETXATTR.invokeExact(state, arena.allocateFrom(path),
                    arena.allocateFrom(name), v, (long) value.length, 0), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** utimensat(2) with AT_SYMLINK_NOFOLLOW: sets the modification time of the path itself, leaves the access time. */
    public static void setModifiedTimeNoFollow(String path, long epochSecond, int nanos) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment times = arena.allocate(C_LONG, 4);
            times.setAtIndex(C_LONG, 0, 0);
            times.setAtIndex(C_LONG, 1, UTIME_OMIT);
            times.setAtIndex(C_LONG, 2, epochSecond);
            times.setAtIndex(C_LONG, 3, nanos);
            check("utimensat " + path, (int) UTIMENSAT.invokeExact(state, AT_FDCWD, arena.allocateFrom(path), times,
                    AT_SYMLINK_NOFOLLOW), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
