package dev.kapsel.sandbox.syscall;

import static dev.kapsel.sandbox.syscall.Arg.BUF_IN;
import static dev.kapsel.sandbox.syscall.Arg.FD;
import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;
import static dev.kapsel.sandbox.syscall.Arg.OCT;
import static dev.kapsel.sandbox.syscall.Arg.PATH;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.SandboxProcess;
import dev.kapsel.sandbox.fs.Directory;
import dev.kapsel.sandbox.fs.DirectoryHandle;
import dev.kapsel.sandbox.fs.FdTable;
import dev.kapsel.sandbox.fs.Fifo;
import dev.kapsel.sandbox.fs.HostNode;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sandbox.fs.MemoryFile;
import dev.kapsel.sandbox.fs.Node;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.RegularHandle;
import dev.kapsel.sandbox.fs.Stat;
import dev.kapsel.sandbox.fs.Symlink;
import dev.kapsel.sandbox.fs.Vfs;
import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sandbox.net.Network;
import dev.kapsel.sandbox.net.SandboxSocket;
import dev.kapsel.sys.Errno;
import java.nio.charset.StandardCharsets;

/**
 * File system calls: open/close, read/write and their vector and positional forms, stat, directory
 * listing, links, directories, renames, descriptors, terminal ioctls (and the interface ioctls of sockets,
 * which the network answers) and the working directory.
 * Every buffer and length comes from the program and is checked by {@link UserMemory}.
 */
public final class FileSyscalls {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000;
    static final int O_ACCMODE = 3, O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000, O_DIRECTORY = 0200000,
            O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000, O_TMPFILE = 020000000;
    private static final int CHUNK = 64 << 10;
    private static final long MAX_RW = 0x7ffff000L;
    private static final int IOV_MAX = 1024;

    private final SandboxProcess p;
    private final UserMemory mem;
    private final Vfs vfs;
    private final Network network;

    public FileSyscalls(SandboxProcess process) {
        this(process, null);
    }

    /** With {@code network} answering the interface ioctls on sockets (null: none). */
    public FileSyscalls(SandboxProcess process, Network network) {
        this.network = network;
        this.p = process;
        this.mem = process.memory();
        this.vfs = process.vfs();
    }

    public void register(SyscallTable t) {
        t.define(0, "read", (a, b, c, d, e, f) -> read(a, b, c), FD, HEX, INT);
        t.define(1, "write", (a, b, c, d, e, f) -> write(a, b, c), FD, BUF_IN, INT);
        t.define(2, "open", (a, b, c, d, e, f) -> openat(AT_FDCWD, a, b, c), PATH, Arg.FLAGS, OCT);
        t.define(3, "close", (a, b, c, d, e, f) -> { p.fds().close(a); return 0; }, FD);
        t.define(4, "stat", (a, b, c, d, e, f) -> fstatat(AT_FDCWD, a, b, 0), PATH, HEX);
        t.define(5, "fstat", (a, b, c, d, e, f) -> { writeStat(b, p.fds().get(a).stat()); return 0; }, FD, HEX);
        t.define(137, "statfs", (a, b, c, d, e, f) -> statfs(a, b), PATH, HEX);
        t.define(138, "fstatfs", (a, b, c, d, e, f) -> fstatfs(a, b), FD, HEX);
        t.define(6, "lstat", (a, b, c, d, e, f) -> fstatat(AT_FDCWD, a, b, AT_SYMLINK_NOFOLLOW), PATH, HEX);
        t.define(8, "lseek", (a, b, c, d, e, f) -> p.fds().get(a).seek(b, (int) c), FD, INT, INT);
        t.define(16, "ioctl", (a, b, c, d, e, f) -> ioctl(a, b, c), FD, HEX, HEX);
        t.define(17, "pread64", (a, b, c, d, e, f) -> pread(a, b, c, d), FD, HEX, INT, INT);
        t.define(18, "pwrite64", (a, b, c, d, e, f) -> pwrite(a, b, c, d), FD, BUF_IN, INT, INT);
        t.define(19, "readv", (a, b, c, d, e, f) -> readv(a, b, c), FD, HEX, INT);
        t.define(20, "writev", (a, b, c, d, e, f) -> writev(a, b, c), FD, HEX, INT);
        t.define(21, "access", (a, b, c, d, e, f) -> faccessat(AT_FDCWD, a, b), PATH, OCT);
        t.define(32, "dup", (a, b, c, d, e, f) -> p.fds().install(p.fds().get(a), false), FD);
        t.define(33, "dup2", (a, b, c, d, e, f) -> dup2(a, b), FD, FD);
        t.define(40, "sendfile", (a, b, c, d, e, f) -> sendfile(a, b, c, d), FD, FD, HEX, INT);
        t.define(72, "fcntl", (a, b, c, d, e, f) -> fcntl(a, b, c), FD, INT, HEX);
        t.define(74, "fsync", (a, b, c, d, e, f) -> { p.fds().get(a); return 0; }, FD);
        t.define(75, "fdatasync", (a, b, c, d, e, f) -> { p.fds().get(a); return 0; }, FD);
        t.define(76, "truncate", (a, b, c, d, e, f) -> truncate(a, b), PATH, INT);
        t.define(77, "ftruncate", (a, b, c, d, e, f) -> ftruncate(a, b), FD, INT);
        t.define(79, "getcwd", (a, b, c, d, e, f) -> getcwd(a, b), HEX, INT);
        t.define(80, "chdir", (a, b, c, d, e, f) -> chdir(vfs.resolve(p.cwd(), mem.readPath(a), true)), PATH);
        t.define(81, "fchdir", (a, b, c, d, e, f) -> fchdir(a), FD);
        t.define(82, "rename", (a, b, c, d, e, f) -> renameat(AT_FDCWD, a, AT_FDCWD, b, 0), PATH, PATH);
        t.define(83, "mkdir", (a, b, c, d, e, f) -> mkdirat(AT_FDCWD, a, b), PATH, OCT);
        t.define(84, "rmdir", (a, b, c, d, e, f) -> unlinkat(AT_FDCWD, a, AT_REMOVEDIR), PATH);
        t.define(85, "creat", (a, b, c, d, e, f) -> openat(AT_FDCWD, a, O_CREAT | O_TRUNC | 1, b), PATH, OCT);
        t.define(133, "mknod", (a, b, c, d, e, f) -> mknodat(AT_FDCWD, a, b, c), PATH, HEX, HEX);
        t.define(259, "mknodat", (a, b, c, d, e, f) -> mknodat(a, b, c, d), FD, PATH, HEX, HEX);
        t.define(86, "link", (a, b, c, d, e, f) -> linkat(AT_FDCWD, a, AT_FDCWD, b, 0), PATH, PATH);
        t.define(87, "unlink", (a, b, c, d, e, f) -> unlinkat(AT_FDCWD, a, 0), PATH);
        t.define(88, "symlink", (a, b, c, d, e, f) -> symlinkat(a, AT_FDCWD, b), PATH, PATH);
        t.define(89, "readlink", (a, b, c, d, e, f) -> readlinkat(AT_FDCWD, a, b, c), PATH, HEX, INT);
        t.define(90, "chmod", (a, b, c, d, e, f) -> chmod(at(AT_FDCWD, a, true).node(), b), PATH, OCT);
        t.define(91, "fchmod", (a, b, c, d, e, f) -> chmod(p.fds().get(a).node(), b), FD, OCT);
        t.define(92, "chown", (a, b, c, d, e, f) -> chown(at(AT_FDCWD, a, true).node(), b, c), PATH, INT, INT);
        t.define(93, "fchown", (a, b, c, d, e, f) -> chown(p.fds().get(a).node(), b, c), FD, INT, INT);
        t.define(94, "lchown", (a, b, c, d, e, f) -> chown(at(AT_FDCWD, a, false).node(), b, c), PATH, INT, INT);
        t.define(95, "umask", (a, b, c, d, e, f) -> { int old = p.umask(); p.setUmask((int) a); return old; }, OCT);
        t.define(217, "getdents64", (a, b, c, d, e, f) -> getdents64(a, b, c), FD, HEX, INT);
        t.define(257, "openat", (a, b, c, d, e, f) -> openat(a, b, c, d), FD, PATH, Arg.FLAGS, OCT);
        t.define(258, "mkdirat", (a, b, c, d, e, f) -> mkdirat(a, b, c), FD, PATH, OCT);
        t.define(260, "fchownat", (a, b, c, d, e, f) -> chown(atOrFd(a, b, e).node(), c, d), FD, PATH, INT, INT, HEX);
        t.define(262, "newfstatat", (a, b, c, d, e, f) -> fstatat(a, b, c, d), FD, PATH, HEX, HEX);
        t.define(263, "unlinkat", (a, b, c, d, e, f) -> unlinkat(a, b, c), FD, PATH, HEX);
        t.define(264, "renameat", (a, b, c, d, e, f) -> renameat(a, b, c, d, 0), FD, PATH, FD, PATH);
        t.define(265, "linkat", (a, b, c, d, e, f) -> linkat(a, b, c, d, e), FD, PATH, FD, PATH, HEX);
        t.define(266, "symlinkat", (a, b, c, d, e, f) -> symlinkat(a, b, c), PATH, FD, PATH);
        t.define(267, "readlinkat", (a, b, c, d, e, f) -> readlinkat(a, b, c, d), FD, PATH, HEX, INT);
        t.define(268, "fchmodat", (a, b, c, d, e, f) -> chmod(at(a, b, true).node(), c), FD, PATH, OCT);
        t.define(269, "faccessat", (a, b, c, d, e, f) -> faccessat(a, b, c), FD, PATH, OCT);
        t.define(280, "utimensat", (a, b, c, d, e, f) -> utimensat(b == 0 ? p.fds().get(a).node() : atOrFd(a, b, d).node(), c), FD, PATH, HEX, HEX);
        t.define(292, "dup3", (a, b, c, d, e, f) -> dup3(a, b, c), FD, FD, HEX);
        t.define(316, "renameat2", (a, b, c, d, e, f) -> renameat(a, b, c, d, e), FD, PATH, FD, PATH, HEX);
        t.define(332, "statx", (a, b, c, d, e, f) -> statx(a, b, c, e), FD, PATH, HEX, HEX, HEX);
        t.define(439, "faccessat2", (a, b, c, d, e, f) -> faccessat(a, b, c), FD, PATH, OCT, HEX);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The node a *at() call with AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH in {@code flags} names. */
    private Vfs.Resolved atOrFd(long dirfd, long pathAddress, long flags) {
        String path = mem.readPath(pathAddress);
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            Node n = (int) dirfd == AT_FDCWD ? p.cwd().directory() : p.fds().get(dirfd).node();
            return new Vfs.Resolved(p.cwd(), "", n);
        }
        return vfs.resolve(base(dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }

    /** The directory a *at() call starts from. */
    private Location base(long dirfd, String path) {
        if (path.startsWith("/") || (int) dirfd == AT_FDCWD) {
            return p.cwd();
        }
        OpenFile f = p.fds().get(dirfd);
        if (f instanceof DirectoryHandle d && d.location() != null) {
            return d.location();
        }
        throw new ErrnoException(Errno.ENOTDIR);
    }

    private Vfs.Resolved at(long dirfd, long pathAddress, boolean follow) {
        String path = mem.readPath(pathAddress);
        return vfs.resolve(base(dirfd, path), path, follow);
    }

    private static String pathOf(Vfs.Resolved r) {
        String dir = r.parent().path();
        if (r.name().isEmpty()) {
            return dir;
        }
        return dir.equals("/") ? "/" + r.name() : dir + "/" + r.name();
    }

    // ---- open, read, write ---------------------------------------------------------------------

    long openat(long dirfd, long pathAddress, long flags, long mode) {
        int fl = (int) flags;
        if ((fl & O_TMPFILE) == O_TMPFILE) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
        boolean create = (fl & O_CREAT) != 0;
        boolean follow = (fl & O_NOFOLLOW) == 0 && !(create && (fl & O_EXCL) != 0);
        Vfs.Resolved r = at(dirfd, pathAddress, follow);
        Node node = r.node();
        boolean writing = (fl & O_ACCMODE) != 0 || (fl & O_TRUNC) != 0;
        if (node == null) {
            if (!create) {
                throw new ErrnoException(Errno.ENOENT);
            }
            if (r.name().isEmpty()) {
                throw new ErrnoException(Errno.EISDIR);
            }
            node = vfs.createFile(r, (int) mode & ~p.umask());
        } else {
            if (create && (fl & O_EXCL) != 0) {
                throw new ErrnoException(Errno.EEXIST);
            }
            if (node instanceof Symlink) {
                throw new ErrnoException(Errno.ELOOP);
            }
            if ((fl & O_DIRECTORY) != 0 && !(node instanceof Directory)) {
                throw new ErrnoException(Errno.ENOTDIR);
            }
            if (writing && node instanceof Directory) {
                throw new ErrnoException(Errno.EISDIR);
            }
            if (writing && !r.name().isEmpty()) {
                node = vfs.forWriting(r);
            }
        }
        OpenFile file = node.open(fl & ~(O_CLOEXEC | O_CREAT | O_EXCL | O_NOFOLLOW | O_DIRECTORY));
        if (file instanceof DirectoryHandle d) {
            d.setLocation(r.location());
        }
        p.paths().record(file, pathOf(r));
        return p.fds().install(file, (fl & O_CLOEXEC) != 0);
    }

    private static int clamp(long count) {
        if (count < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return (int) Math.min(count, MAX_RW);
    }

    long read(long fd, long buf, long count) {
        OpenFile f = p.fds().get(fd);
        int n = clamp(count);
        mem.check(buf, n, true);
        return transferIn(n, buf, (b, len) -> f.read(b, len), f.stream());
    }

    long pread(long fd, long buf, long count, long offset) {
        OpenFile f = p.fds().get(fd);
        int n = clamp(count);
        if (offset < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        mem.check(buf, n, true);
        long[] pos = {offset};
        return transferIn(n, buf, (b, len) -> {
            int got = f.pread(b, len, pos[0]);
            pos[0] += got;
            return got;
        });
    }

    private interface Source {
        int read(byte[] buf, int length);
    }

    private interface Sink {
        int write(byte[] buf, int length);
    }

    /** Reads from {@code source} into user memory in chunks until {@code count} or a short read. */
    private long transferIn(int count, long buf, Source source) {
        return transferIn(count, buf, source, false);
    }

    private long transferIn(int count, long buf, Source source, boolean stream) {
        byte[] chunk = new byte[Math.min(count, CHUNK)];
        long total = 0;
        while (total < count) {
            int want = (int) Math.min(chunk.length, count - total);
            int got;
            try {
                got = source.read(chunk, want);
            } catch (ErrnoException e) {
                if (total > 0) {
                    break;
                }
                throw e;
            }
            if (got <= 0) {
                break;
            }
            mem.write(buf + total, chunk, 0, got);
            total += got;
            if (got < want || stream) {
                break;
            }
        }
        return total;
    }

    private long transferOut(int count, long buf, Sink sink) {
        byte[] chunk = new byte[Math.min(count, CHUNK)];
        long total = 0;
        while (total < count) {
            int want = (int) Math.min(chunk.length, count - total);
            mem.read(buf + total, chunk, 0, want);
            int put;
            try {
                put = sink.write(chunk, want);
            } catch (ErrnoException e) {
                if (total > 0) {
                    break;
                }
                throw e;
            }
            total += put;
            if (put < want) {
                break;
            }
        }
        return total;
    }

    long write(long fd, long buf, long count) {
        OpenFile f = p.fds().get(fd);
        int n = clamp(count);
        mem.check(buf, n, false);
        return transferOut(n, buf, (b, len) -> f.write(b, 0, len));
    }

    long pwrite(long fd, long buf, long count, long offset) {
        OpenFile f = p.fds().get(fd);
        int n = clamp(count);
        if (offset < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        mem.check(buf, n, false);
        long[] pos = {offset};
        return transferOut(n, buf, (b, len) -> {
            int put = f.pwrite(b, len, pos[0]);
            pos[0] += put;
            return put;
        });
    }

    private long[][] iovecs(long iov, long count) {
        if (count < 0 || count > IOV_MAX) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long[][] v = new long[(int) count][];
        long total = 0;
        for (int i = 0; i < count; i++) {
            long base = mem.readU64(iov + 16L * i);
            long len = mem.readU64(iov + 16L * i + 8);
            if (len < 0 || (total += len) > MAX_RW || total < 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            v[i] = new long[] {base, len};
        }
        return v;
    }

    long readv(long fd, long iov, long count) {
        OpenFile f = p.fds().get(fd);
        long total = 0;
        for (long[] v : iovecs(iov, count)) {
            if (v[1] == 0) {
                continue;
            }
            mem.check(v[0], v[1], true);
            long got = transferIn((int) v[1], v[0], (b, len) -> f.read(b, len), f.stream());
            total += got;
            if (got < v[1]) {
                break;
            }
        }
        return total;
    }

    long writev(long fd, long iov, long count) {
        OpenFile f = p.fds().get(fd);
        long total = 0;
        for (long[] v : iovecs(iov, count)) {
            if (v[1] == 0) {
                continue;
            }
            mem.check(v[0], v[1], false);
            long put = transferOut((int) v[1], v[0], (b, len) -> f.write(b, 0, len));
            total += put;
            if (put < v[1]) {
                break;
            }
        }
        return total;
    }

    long sendfile(long outFd, long inFd, long offsetAddress, long count) {
        OpenFile out = p.fds().get(outFd);
        OpenFile in = p.fds().get(inFd);
        int n = clamp(count);
        long[] pos = {offsetAddress != 0 ? mem.readU64(offsetAddress) : -1};
        if (offsetAddress != 0 && pos[0] < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        byte[] chunk = new byte[Math.min(n, CHUNK)];
        long total = 0;
        while (total < n) {
            int want = (int) Math.min(chunk.length, n - total);
            int got = pos[0] >= 0 ? in.pread(chunk, want, pos[0]) : in.read(chunk, want);
            if (got <= 0) {
                break;
            }
            if (pos[0] >= 0) {
                pos[0] += got;
            }
            int put = out.write(chunk, 0, got);
            total += put;
            if (put < got || got < want) {
                break;
            }
        }
        if (offsetAddress != 0) {
            mem.writeU64(offsetAddress, pos[0]);
        }
        return total;
    }

    // ---- metadata ------------------------------------------------------------------------------

    // ---- statfs ---------------------------------------------------------------------------------

    /** f_type values (linux/magic.h) of the file systems a sandbox path can be on. */
    private static final long OVERLAYFS_SUPER_MAGIC = 0x794c7630L, PROC_SUPER_MAGIC = 0x9fa0L, TMPFS_MAGIC = 0x01021994L,
            ANON_INODE_FS_MAGIC = 0x09041934L;
    /** f_flags: ST_VALID (the kernel always sets it), ST_RELATIME; proc adds ST_NOSUID, ST_NODEV, ST_NOEXEC. */
    private static final long ST_VALID = 0x20, ST_RELATIME = 0x400, ST_PROC = 0x2 | 0x4 | 0x8;
    private static final int STATFS_SIZE = 120;
    private static final long STATFS_FILES = 1L << 20;

    long statfs(long pathAddress, long buf) {
        Vfs.Resolved r = at(AT_FDCWD, pathAddress, true);
        if (r.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        return writeStatfs(buf, pathOf(r));
    }

    long fstatfs(long fd, long buf) {
        return writeStatfs(buf, p.paths().of(p.fds().get(fd)));
    }

    /**
     * struct statfs for the file system {@code path} is on: the writable layer's quota gives the
     * block counts of the root (what a program sees as its disk), /proc and /dev are in memory.
     */
    private long writeStatfs(long buf, String path) {
        long type = path.equals("/proc") || path.startsWith("/proc/") ? PROC_SUPER_MAGIC
                : path.equals("/dev") || path.startsWith("/dev/") ? TMPFS_MAGIC
                : path.startsWith("/") ? OVERLAYFS_SUPER_MAGIC : ANON_INODE_FS_MAGIC;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(STATFS_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long blocks = type == OVERLAYFS_SUPER_MAGIC ? vfs.quota().limit() / 4096 : 0;
        long free = type == OVERLAYFS_SUPER_MAGIC ? Math.max(0, vfs.quota().limit() - vfs.quota().used()) / 4096 : 0;
        b.putLong(type).putLong(4096).putLong(blocks).putLong(free).putLong(free)
                .putLong(type == OVERLAYFS_SUPER_MAGIC ? STATFS_FILES : 0).putLong(type == OVERLAYFS_SUPER_MAGIC ? STATFS_FILES / 2 : 0)
                .putLong(0)                 // f_fsid
                .putLong(255)               // f_namelen
                .putLong(4096)              // f_frsize
                .putLong(ST_VALID | ST_RELATIME | (type == PROC_SUPER_MAGIC ? ST_PROC : 0));
        mem.write(buf, b.array());
        return 0;
    }

    long fstatat(long dirfd, long pathAddress, long statbuf, long flags) {
        String path = mem.readPath(pathAddress);
        Stat st;
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            st = (int) dirfd == AT_FDCWD ? p.cwd().directory().stat() : p.fds().get(dirfd).stat();
        } else {
            Vfs.Resolved r = vfs.resolve(base(dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            if (r.node() == null) {
                throw new ErrnoException(Errno.ENOENT);
            }
            st = r.node().stat();
        }
        writeStat(statbuf, st);
        return 0;
    }

    void writeStat(long address, Stat s) {
        byte[] b = new byte[144];
        Bytes.putLong(b, 0, s.dev());
        Bytes.putLong(b, 8, s.ino());
        Bytes.putLong(b, 16, s.nlink());
        Bytes.putInt(b, 24, s.mode());
        Bytes.putInt(b, 28, s.uid());
        Bytes.putInt(b, 32, s.gid());
        Bytes.putLong(b, 40, s.rdev());
        Bytes.putLong(b, 48, s.size());
        Bytes.putLong(b, 56, 4096);
        Bytes.putLong(b, 64, s.blocks());
        for (int t = 72; t <= 104; t += 16) {
            Bytes.putLong(b, t, s.mtimeSec());
            Bytes.putLong(b, t + 8, s.mtimeNsec());
        }
        mem.write(address, b);
    }

    long statx(long dirfd, long pathAddress, long flags, long buf) {
        String path = mem.readPath(pathAddress);
        Stat s;
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            s = (int) dirfd == AT_FDCWD ? p.cwd().directory().stat() : p.fds().get(dirfd).stat();
        } else {
            Vfs.Resolved r = vfs.resolve(base(dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            if (r.node() == null) {
                throw new ErrnoException(Errno.ENOENT);
            }
            s = r.node().stat();
        }
        byte[] b = new byte[256];
        Bytes.putInt(b, 0, 0x7ff);  // STATX_BASIC_STATS
        Bytes.putInt(b, 4, 4096);
        Bytes.putInt(b, 16, (int) s.nlink());
        Bytes.putInt(b, 20, s.uid());
        Bytes.putInt(b, 24, s.gid());
        b[28] = (byte) s.mode();
        b[29] = (byte) (s.mode() >> 8);
        Bytes.putLong(b, 32, s.ino());
        Bytes.putLong(b, 40, s.size());
        Bytes.putLong(b, 48, s.blocks());
        for (int t = 64; t <= 112; t += 16) {
            Bytes.putLong(b, t, s.mtimeSec());
            Bytes.putInt(b, t + 8, (int) s.mtimeNsec());
        }
        Bytes.putInt(b, 128, (int) (s.rdev() >> 8));
        Bytes.putInt(b, 132, (int) (s.rdev() & 0xff));
        mem.write(buf, b);
        return 0;
    }

    long faccessat(long dirfd, long pathAddress, long mode) {
        Vfs.Resolved r = at(dirfd, pathAddress, true);
        if (r.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if ((mode & 1) != 0 && !(r.node() instanceof Directory) && (r.node().stat().mode() & 0111) == 0) {
            throw new ErrnoException(Errno.EACCES);
        }
        return 0;
    }

    long readlinkat(long dirfd, long pathAddress, long buf, long size) {
        if (size <= 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Vfs.Resolved r = at(dirfd, pathAddress, false);
        if (r.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (!(r.node() instanceof Symlink link)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        byte[] target = link.target().getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(target.length, size);
        mem.write(buf, target, 0, n);
        return n;
    }

    long getdents64(long fd, long buf, long count) {
        OpenFile f = p.fds().get(fd);
        if (!(f instanceof DirectoryHandle d)) {
            throw new ErrnoException(Errno.ENOTDIR);
        }
        int cap = (int) Math.min(Math.max(count, 0), 1 << 20);
        mem.check(buf, cap, true);
        byte[] out = d.getdents(cap);
        mem.write(buf, out);
        return out.length;
    }

    private long chmod(Node node, long mode) {
        if (node == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (node instanceof MemoryFile m) {
            m.chmod((int) mode);
        } else if (node instanceof HostNode h) {
            h.chmod((int) mode);
        }
        return 0;
    }

    /** chown(2): a file of a share changes on the host; elsewhere everything is uid 0's and stays so. */
    private long chown(Node node, long uid, long gid) {
        if (node == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (node instanceof HostNode h) {
            h.chown((int) uid, (int) gid);
        }
        return 0;
    }

    private static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    /** utimensat(2): {@code times} is two struct timespec, or 0 for now; a file of a share changes on the host. */
    private long utimensat(Node node, long times) {
        if (node == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        long[] t = times == 0 ? new long[] {0, UTIME_NOW, 0, UTIME_NOW}
                : new long[] {mem.readU64(times), mem.readU64(times + 8), mem.readU64(times + 16), mem.readU64(times + 24)};
        for (int i = 1; i < 4; i += 2) {
            if ((t[i] < 0 || t[i] > 999_999_999) && t[i] != UTIME_NOW && t[i] != UTIME_OMIT) {
                throw new ErrnoException(Errno.EINVAL);
            }
        }
        if (node instanceof HostNode h) {
            h.utimes(t);
        }
        return 0;
    }

    // ---- namespace changes ---------------------------------------------------------------------

    long mkdirat(long dirfd, long pathAddress, long mode) {
        vfs.mkdir(at(dirfd, pathAddress, false), (int) mode & ~p.umask());
        return 0;
    }

    /**
     * mknodat(2): a FIFO ({@link Fifo}) or an empty regular file; devices need CAP_MKNOD, which a
     * container lacks (EPERM), and socket inodes come only from bind (EPERM here).
     */
    long mknodat(long dirfd, long pathAddress, long mode, long dev) {
        int type = (int) mode & Node.S_IFMT;
        Vfs.Resolved r = at(dirfd, pathAddress, false);
        if (r.node() != null || r.name().isEmpty()) {
            throw new ErrnoException(Errno.EEXIST);
        }
        int perms = (int) mode & 07777 & ~p.umask();
        switch (type) {
            case Node.S_IFIFO -> r.parent().directory().add(r.name(), new Fifo(p.kernel().lock(), perms));
            case 0, Node.S_IFREG -> vfs.createFile(r, perms);
            case Node.S_IFCHR, Node.S_IFBLK, Node.S_IFSOCK -> throw new ErrnoException(Errno.EPERM);
            default -> throw new ErrnoException(Errno.EINVAL);
        }
        return 0;
    }

    /** linkat(2): AT_SYMLINK_FOLLOW links what a symbolic link names; AT_EMPTY_PATH links the file {@code olddirfd} has open. */
    long linkat(long olddirfd, long oldAddress, long newdirfd, long newAddress, long flags) {
        if ((flags & ~(long) (AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        String oldPath = mem.readPath(oldAddress);
        Vfs.Resolved from;
        if (oldPath.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            OpenFile f = p.fds().get(olddirfd);
            from = new Vfs.Resolved(p.cwd(), "", f.node()); // only its node matters: a file opened here is already a copy-up or a memory file
        } else {
            from = vfs.resolve(base(olddirfd, oldPath), oldPath, (flags & AT_SYMLINK_FOLLOW) != 0);
        }
        vfs.link(from, at(newdirfd, newAddress, false));
        return 0;
    }

    long unlinkat(long dirfd, long pathAddress, long flags) {
        if ((flags & ~AT_REMOVEDIR) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        vfs.unlink(at(dirfd, pathAddress, false), (flags & AT_REMOVEDIR) != 0);
        return 0;
    }

    long renameat(long olddir, long oldPath, long newdir, long newPath, long flags) {
        if ((flags & ~1L) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        vfs.rename(at(olddir, oldPath, false), at(newdir, newPath, false), (flags & 1) != 0);
        return 0;
    }

    long symlinkat(long targetAddress, long dirfd, long linkPath) {
        String target = mem.readPath(targetAddress);
        vfs.symlink(at(dirfd, linkPath, false), target);
        return 0;
    }

    long truncate(long pathAddress, long length) {
        Vfs.Resolved r = at(AT_FDCWD, pathAddress, true);
        if (r.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (r.node() instanceof Directory) {
            throw new ErrnoException(Errno.EISDIR);
        }
        OpenFile f = vfs.forWriting(r).open(1);
        try {
            if (!(f instanceof RegularHandle h)) {
                throw new ErrnoException(Errno.EINVAL);
            }
            h.truncate(length);
        } finally {
            f.close();
        }
        return 0;
    }

    long ftruncate(long fd, long length) {
        if (!(p.fds().get(fd) instanceof RegularHandle h)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        h.truncate(length);
        return 0;
    }

    // ---- descriptors ---------------------------------------------------------------------------

    long dup2(long oldFd, long newFd) {
        OpenFile f = p.fds().get(oldFd);
        if (oldFd != newFd) {
            p.fds().installAt(newFd, f, false);
        }
        return newFd;
    }

    long dup3(long oldFd, long newFd, long flags) {
        if (oldFd == newFd || (flags & ~O_CLOEXEC) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        p.fds().installAt(newFd, p.fds().get(oldFd), (flags & O_CLOEXEC) != 0);
        return newFd;
    }

    long fcntl(long fd, long cmd, long arg) {
        OpenFile f = p.fds().get(fd);
        return switch ((int) cmd) {
            case 0 -> p.fds().installFrom(arg, f, false);                      // F_DUPFD
            case 1030 -> p.fds().installFrom(arg, f, true);                    // F_DUPFD_CLOEXEC
            case 1 -> p.fds().closeOnExec(fd) ? 1 : 0;                         // F_GETFD
            case 2 -> { p.fds().setCloseOnExec(fd, (arg & 1) != 0); yield 0; } // F_SETFD
            case 3 -> f.statusFlags();                                          // F_GETFL
            case 4 -> { f.setStatusFlags((f.statusFlags() & O_ACCMODE) | ((int) arg & (02000 | 04000))); yield 0; }
            case 5, 6, 7, 36, 37, 38 -> 0;                                      // locks: one process, always granted
            case MemfdSyscalls.F_ADD_SEALS, MemfdSyscalls.F_GET_SEALS -> MemfdSyscalls.seals(f, (int) cmd, arg);
            default -> throw new ErrnoException(Errno.EINVAL);
        };
    }

    long ioctl(long fd, long request, long arg) {
        OpenFile f = p.fds().get(fd);
        if (network != null && f instanceof SandboxSocket && Network.isInterfaceRequest(request)) {
            mem.write(arg, network.interfaceRequest(request, mem.read(arg, Network.IFREQ_SIZE)));
            return 0;
        }
        byte[] out = f.ioctl(request);
        if (out.length > 0) {
            mem.write(arg, out);
        }
        return 0;
    }

    // ---- working directory ---------------------------------------------------------------------

    long getcwd(long buf, long size) {
        byte[] path = (p.cwd().path() + "\0").getBytes(StandardCharsets.UTF_8);
        if (size < path.length) {
            throw new ErrnoException(Errno.ERANGE);
        }
        mem.write(buf, path);
        return path.length;
    }

    long chdir(Vfs.Resolved r) {
        if (r.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (!(r.node() instanceof Directory)) {
            throw new ErrnoException(Errno.ENOTDIR);
        }
        p.setCwd(r.location());
        return 0;
    }

    long fchdir(long fd) {
        if (!(p.fds().get(fd) instanceof DirectoryHandle d) || d.location() == null) {
            throw new ErrnoException(Errno.ENOTDIR);
        }
        p.setCwd(d.location());
        return 0;
    }
}
