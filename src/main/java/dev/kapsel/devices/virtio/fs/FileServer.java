package dev.kapsel.devices.virtio.fs;

import static dev.kapsel.devices.virtio.fs.FuseAbi.*;

import dev.kapsel.devices.virtio.ChainBytes;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileCalls;
import dev.kapsel.sys.Libc;
import dev.kapsel.virtio.Buffer;
import dev.kapsel.virtio.DescriptorChain;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A FUSE server for one shared host directory, answering the requests of the Linux virtio-fs client
 * straight from descriptor chains in guest memory (virtiofsd's design, written for kapsel).
 *
 * <p><b>Beneath the root.</b> The server holds an {@code O_PATH} handle per inode the guest knows
 * ({@link InodeTable}) and resolves every name as one component beneath its parent's handle:
 * {@code openat2} with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS and O_NOFOLLOW,
 * or an {@code *at} call on the parent handle with a name {@link FuseArgs#name} checked to be one
 * component (not empty, ".", "..", no '/'). There is no path string anywhere, so a symlink swapped
 * in under a name yields the link itself, never its target; symlinks are the guest's to follow, in
 * the guest. An inode is reopened (OPEN, OPENDIR, xattrs, chmod) through {@code /proc/self/fd/N} of
 * its own handle, which names exactly that inode; only regular files and directories are reopened.
 *
 * <p><b>Bounded.</b> Inodes and open handles are counted ({@link InodeTable}, {@link OpenFiles});
 * an argument block is at most {@link #MAX_ARGS} bytes, a READ or READDIR reply at most
 * {@link #MAX_IO}, and READ and WRITE move bytes between the file and guest RAM with no host buffer.
 *
 * <p><b>Read-only.</b> A read-only share answers every request that would change it with EROFS on
 * the host side, and opens files read-only, whatever the guest mounted.
 *
 * <p>Not thread-safe: the device calls it under its transport's lock.
 */
public final class FileServer implements AutoCloseable {
    /** Largest READ/WRITE payload and READDIR reply: what INIT tells the client (max_write, max_pages). */
    public static final int MAX_IO = 256 * 1024;
    /** Largest argument block other than WRITE's data: a setxattr of XATTR_SIZE_MAX plus its name. */
    public static final int MAX_ARGS = 64 * 1024 + 512;
    static final int XATTR_SIZE_MAX = 64 * 1024;
    static final int DEFAULT_MAX_INODES = 16384;
    static final int DEFAULT_MAX_OPEN = 4096;
    /** Seconds the guest may cache entries and attributes: virtiofsd's cache=auto. */
    private static final long CACHE_SECONDS = 1;
    private static final long BENEATH =
            FileCalls.RESOLVE_BENEATH | FileCalls.RESOLVE_NO_MAGICLINKS | FileCalls.RESOLVE_NO_SYMLINKS;
    private static final int OPEN_FLAGS_KEPT = FileCalls.O_ACCMODE | FileCalls.O_APPEND | Libc.O_TRUNC
            | FileCalls.O_DSYNC | FileCalls.O_SYNC | FileCalls.O_NOATIME | FileCalls.O_DIRECT;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;
    private static final int W_OK = 2;
    private static final int DT_DIR = 4;

    private final boolean readOnly;
    private final InodeTable inodes;
    private final OpenFiles files;
    private final MemorySegment stat;
    private final MemorySegment scratch;
    private boolean initialized;

    /** Opens {@code root} (a host directory) and serves it; {@code readOnly} refuses every change. */
    public static FileServer open(String root, boolean readOnly) throws java.io.IOException {
        return open(root, readOnly, DEFAULT_MAX_INODES, DEFAULT_MAX_OPEN);
    }

    static FileServer open(String root, boolean readOnly, int maxInodes, int maxOpen) throws java.io.IOException {
        Arena arena = Arena.ofAuto();
        int fd = FileCalls.openat2(FileCalls.AT_FDCWD, arena.allocateFrom(root),
                FileCalls.O_PATH | FileCalls.O_DIRECTORY | Libc.O_CLOEXEC, 0, 0);
        if (fd < 0) {
            throw new java.io.IOException("cannot open shared directory " + root + ": " + Errno.describe(-fd));
        }
        MemorySegment st = arena.allocate(FileCalls.STAT_SIZE, 8);
        FileCalls.fstatat(fd, arena.allocateFrom(""), st, FileCalls.AT_EMPTY_PATH);
        return new FileServer(fd, st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_DEV),
                st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_INO), readOnly, maxInodes, maxOpen);
    }

    private FileServer(int rootFd, long dev, long ino, boolean readOnly, int maxInodes, int maxOpen) {
        this.readOnly = readOnly;
        this.inodes = new InodeTable(rootFd, dev, ino, maxInodes);
        this.files = new OpenFiles(maxOpen);
        Arena arena = Arena.ofAuto(); // the transport lock serialises callers from vCPU and notifier threads
        this.stat = arena.allocate(FileCalls.STAT_SIZE, 8);
        this.scratch = arena.allocate(64 * 1024, 8);
    }

    public boolean readOnly() {
        return readOnly;
    }

    int inodeCount() {
        return inodes.size();
    }

    int openCount() {
        return files.size();
    }

    /** One request's header, with what the guest gave to answer it. */
    private record Request(int opcode, long unique, long nodeId, int uid, int gid, FuseArgs args,
                           GuestMemory memory, DescriptorChain chain, long writable) {}

    /** What a handler answers: a body, or a body already in guest memory after the header (READ). */
    private record Answer(FuseReply body, long direct) {
        static final Answer NONE = new Answer(null, -1);
        static Answer of(FuseReply body) {
            return new Answer(body, 0);
        }
    }

    /**
     * Serves one chain: the request in its readable buffers, the reply into its writable ones.
     * Returns the bytes written (0 for FORGET, BATCH_FORGET, INTERRUPT, which have no reply, and for
     * a chain too short to hold a request header or a reply header).
     */
    public long serve(GuestMemory memory, DescriptorChain chain) {
        List<Buffer> in = chain.readable();
        long readable = ChainBytes.length(in);
        long writable = chain.writableLength();
        if (readable < IN_HEADER_SIZE) {
            return 0;
        }
        byte[] header = gather(memory, in, 0, IN_HEADER_SIZE);
        long len = LittleEndian.get32(header, IN_HEADER_LEN) & 0xffffffffL;
        int opcode = LittleEndian.get32(header, IN_HEADER_OPCODE);
        long unique = LittleEndian.get64(header, IN_HEADER_UNIQUE);
        long argsLength = Math.min(len, readable) - IN_HEADER_SIZE;
        if (opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET || opcode == FUSE_INTERRUPT) {
            if (len >= IN_HEADER_SIZE && len <= readable && argsLength <= MAX_ARGS && initialized) {
                noReply(opcode, LittleEndian.get64(header, IN_HEADER_NODEID), memory, in, (int) argsLength);
            }
            return 0;
        }
        if (writable < OUT_HEADER_SIZE) {
            return 0;
        }
        int error;
        Answer answer = Answer.NONE;
        if (len < IN_HEADER_SIZE || len > readable) {
            error = Errno.EINVAL;
        } else {
            long fixed = opcode == FUSE_WRITE ? Math.min(argsLength, WRITE_IN_SIZE) : argsLength;
            if (fixed > MAX_ARGS) {
                error = Errno.E2BIG;
            } else {
                FuseArgs args = new FuseArgs(gather(memory, in, IN_HEADER_SIZE, (int) fixed), (int) fixed);
                Request r = new Request(opcode, unique, LittleEndian.get64(header, IN_HEADER_NODEID),
                        LittleEndian.get32(header, IN_HEADER_UID), LittleEndian.get32(header, IN_HEADER_GID),
                        args, memory, chain, writable - OUT_HEADER_SIZE);
                try {
                    answer = dispatch(r, argsLength);
                    error = 0;
                } catch (FuseError e) {
                    error = e.errno;
                }
            }
        }
        long bodyLength = error != 0 ? 0 : answer.body != null ? answer.body.length() : Math.max(0, answer.direct);
        byte[] out = new byte[OUT_HEADER_SIZE];
        LittleEndian.put32(out, 0, OUT_HEADER_SIZE + bodyLength);
        LittleEndian.put32(out, 4, -error);
        LittleEndian.put64(out, 8, unique);
        List<Buffer> outBuffers = chain.writable();
        ChainBytes.scatter(memory, outBuffers, 0, MemorySegment.ofArray(out));
        if (error == 0 && answer.body != null) {
            ChainBytes.scatter(memory, outBuffers, OUT_HEADER_SIZE,
                    MemorySegment.ofArray(answer.body.bytes).asSlice(0, answer.body.length()));
        }
        return OUT_HEADER_SIZE + bodyLength;
    }

    private static byte[] gather(GuestMemory memory, List<Buffer> buffers, long skip, int length) {
        byte[] b = new byte[length];
        ChainBytes.gather(memory, buffers, skip, MemorySegment.ofArray(b));
        return b;
    }

    private void noReply(int opcode, long nodeId, GuestMemory memory, List<Buffer> in, int argsLength) {
        FuseArgs args = new FuseArgs(gather(memory, in, IN_HEADER_SIZE, argsLength), argsLength);
        try {
            if (opcode == FUSE_FORGET) {
                inodes.forget(nodeId, args.u64());
            } else if (opcode == FUSE_BATCH_FORGET) {
                long count = args.u32() & 0xffffffffL;
                args.u32();
                for (long i = 0; i < count && args.remaining() >= FORGET_ONE_SIZE; i++) {
                    inodes.forget(args.u64(), args.u64());
                }
            }
            // INTERRUPT: every request is answered before the next is read, so there is nothing to interrupt
        } catch (FuseError ignored) {
            // a short FORGET forgets nothing; it has no reply to carry the error
        }
    }

    private Answer dispatch(Request r, long argsLength) throws FuseError {
        if (r.opcode == FUSE_INIT) {
            return init(r);
        }
        if (!initialized) {
            throw new FuseError(Errno.EIO);
        }
        return switch (r.opcode) {
            case FUSE_LOOKUP -> lookup(r);
            case FUSE_GETATTR -> getattr(r);
            case FUSE_SETATTR -> setattr(r);
            case FUSE_READLINK -> readlink(r);
            case FUSE_SYMLINK -> symlink(r);
            case FUSE_MKNOD -> mknod(r);
            case FUSE_MKDIR -> mkdir(r);
            case FUSE_UNLINK -> unlink(r, 0);
            case FUSE_RMDIR -> unlink(r, FileCalls.AT_REMOVEDIR);
            case FUSE_RENAME -> rename(r, false);
            case FUSE_RENAME2 -> rename(r, true);
            case FUSE_LINK -> link(r);
            case FUSE_OPEN -> open(r);
            case FUSE_READ -> read(r);
            case FUSE_WRITE -> write(r, argsLength);
            case FUSE_STATFS -> statfs(r);
            case FUSE_RELEASE -> release(r, false);
            case FUSE_RELEASEDIR -> release(r, true);
            case FUSE_FLUSH -> flush(r);
            case FUSE_FSYNC -> fsync(r, false);
            case FUSE_FSYNCDIR -> fsync(r, true);
            case FUSE_SETXATTR -> setxattr(r);
            case FUSE_GETXATTR -> getxattr(r, false);
            case FUSE_LISTXATTR -> getxattr(r, true);
            case FUSE_REMOVEXATTR -> removexattr(r);
            case FUSE_OPENDIR -> opendir(r);
            case FUSE_READDIR -> readdir(r, false);
            case FUSE_READDIRPLUS -> readdir(r, true);
            case FUSE_ACCESS -> access(r);
            case FUSE_CREATE -> create(r);
            case FUSE_FALLOCATE -> fallocate(r);
            case FUSE_LSEEK -> lseek(r);
            case FUSE_DESTROY -> destroy();
            // GETLK/SETLK are never sent without FUSE_POSIX_LOCKS; IOCTL, POLL, BMAP, COPY_FILE_RANGE,
            // SYNCFS, TMPFILE, SETUPMAPPING: the client remembers ENOSYS and falls back or fails the call
            default -> throw new FuseError(Errno.ENOSYS);
        };
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static long check(long result) throws FuseError {
        if (result < 0) {
            throw new FuseError((int) -result);
        }
        return result;
    }

    private void refuseIfReadOnly() throws FuseError {
        if (readOnly) {
            throw new FuseError(Errno.EROFS);
        }
    }

    /** A body of {@code size} bytes, refused with EINVAL up front when the guest left no room for it. */
    private static FuseReply reply(Request r, int size) throws FuseError {
        if (r.writable < size) {
            throw new FuseError(Errno.EINVAL);
        }
        return new FuseReply(size);
    }

    private Inode directory(Request r) throws FuseError {
        Inode parent = inodes.get(r.nodeId);
        if (parent.type != FileCalls.S_IFDIR) {
            throw new FuseError(Errno.ENOTDIR);
        }
        return parent;
    }

    private static MemorySegment c(Arena arena, byte[] s) {
        return FileCalls.cString(arena, s);
    }

    private static MemorySegment empty(Arena arena) {
        return arena.allocate(1);
    }

    private static MemorySegment procPath(Arena arena, int fd) {
        return arena.allocateFrom("/proc/self/fd/" + fd);
    }

    private void statFd(int fd) throws FuseError {
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.fstatat(fd, empty(arena), stat, FileCalls.AT_EMPTY_PATH | FileCalls.AT_SYMLINK_NOFOLLOW));
        }
    }

    private long st64(long offset) {
        return stat.get(ValueLayout.JAVA_LONG, offset);
    }

    private int st32(long offset) {
        return stat.get(ValueLayout.JAVA_INT, offset);
    }

    /** {@code struct fuse_attr} of the inode last stat'ed. */
    private void putAttr(FuseReply out) {
        out.u64(st64(FileCalls.STAT_INO)).u64(st64(FileCalls.STAT_SIZE_FIELD)).u64(st64(FileCalls.STAT_BLOCKS))
                .u64(st64(FileCalls.STAT_ATIME)).u64(st64(FileCalls.STAT_MTIME)).u64(st64(FileCalls.STAT_CTIME))
                .u32(st64(FileCalls.STAT_ATIME + 8)).u32(st64(FileCalls.STAT_MTIME + 8)).u32(st64(FileCalls.STAT_CTIME + 8))
                .u32(st32(FileCalls.STAT_MODE)).u32(st64(FileCalls.STAT_NLINK)).u32(st32(FileCalls.STAT_UID))
                .u32(st32(FileCalls.STAT_GID)).u32(st64(FileCalls.STAT_RDEV)).u32(st64(FileCalls.STAT_BLKSIZE)).u32(0);
    }

    /** {@code struct fuse_entry_out} for {@code inode}, whose stat is current. */
    private void putEntry(FuseReply out, Inode inode) {
        out.u64(inode.nodeId).u64(0).u64(CACHE_SECONDS).u64(CACHE_SECONDS).u32(0).u32(0);
        putAttr(out);
    }

    /**
     * Looks {@code name} up beneath {@code parentFd} and counts a lookup of what it names. Leaves its
     * stat current.
     */
    private Inode lookupName(int parentFd, byte[] name) throws FuseError {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) check(FileCalls.openat2(parentFd, c(arena, name),
                    FileCalls.O_PATH | FileCalls.O_NOFOLLOW | Libc.O_CLOEXEC, 0, BENEATH));
        }
        return adopt(fd);
    }

    /** Counts a lookup of the inode {@code fd} (an O_PATH handle, handed over) refers to. */
    private Inode adopt(int fd) throws FuseError {
        try {
            statFd(fd);
        } catch (FuseError e) {
            FileCalls.close(fd);
            throw e;
        }
        return inodes.lookedUp(fd, st64(FileCalls.STAT_DEV), st64(FileCalls.STAT_INO),
                st32(FileCalls.STAT_MODE) & FileCalls.S_IFMT);
    }

    private FuseReply entry(Inode inode) {
        FuseReply out = new FuseReply(ENTRY_OUT_SIZE);
        putEntry(out, inode);
        return out;
    }

    /** A node just created under {@code name}: its entry, owned by the caller, with exactly the mode asked for. */
    private FuseReply created(Request r, Inode parent, byte[] name, int mode) throws FuseError {
        Inode inode = lookupName(parent.fd, name);
        own(r, inode, mode);
        statFd(inode.fd);
        return entry(inode);
    }

    /**
     * Ownership passed through as the guest sees it (the host creates as its own user), and the
     * mode the guest's kernel already masked with its umask, not the host's umask again.
     */
    private void own(Request r, Inode inode, int mode) throws FuseError {
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.fchownat(inode.fd, empty(arena), r.uid, r.gid,
                    FileCalls.AT_EMPTY_PATH | FileCalls.AT_SYMLINK_NOFOLLOW));
            if (inode.type != FileCalls.S_IFLNK) {
                check(FileCalls.fchmodat(FileCalls.AT_FDCWD, procPath(arena, inode.fd), mode & 07777));
            }
        }
    }

    /** A real descriptor on a regular file or directory, reopened through its handle. */
    private int reopen(Inode inode, int flags) throws FuseError {
        if (inode.type != FileCalls.S_IFREG && inode.type != FileCalls.S_IFDIR) {
            throw new FuseError(inode.type == FileCalls.S_IFLNK ? Errno.ELOOP : Errno.ENXIO);
        }
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(FileCalls.openat(FileCalls.AT_FDCWD, procPath(arena, inode.fd), flags | Libc.O_CLOEXEC, 0));
        }
    }

    // ---- operations ---------------------------------------------------------------------------

    private Answer init(Request r) throws FuseError {
        if (initialized) {
            throw new FuseError(Errno.EPROTO);
        }
        FuseArgs a = r.args;
        int major = a.u32();
        int minor = a.u32();
        int maxReadahead = a.u32();
        int flags = a.u32();
        if (major < FUSE_KERNEL_VERSION) {
            throw new FuseError(Errno.EPROTO);
        }
        int size = minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE : INIT_OUT_SIZE;
        FuseReply out = reply(r, size);
        if (major > FUSE_KERNEL_VERSION) {
            // the client retries with our major (fuse_conn_init's protocol): answer only the version
            out.u32(FUSE_KERNEL_VERSION).u32(FUSE_KERNEL_MINOR_VERSION).skip(size - 8);
            return Answer.of(out);
        }
        int wanted = FUSE_ASYNC_READ | FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES | FUSE_AUTO_INVAL_DATA
                | FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO | FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES;
        out.u32(FUSE_KERNEL_VERSION).u32(Math.min(minor, FUSE_KERNEL_MINOR_VERSION)).u32(maxReadahead)
                .u32(flags & wanted);
        out.bytes[out.length()] = 64; // max_background (u16) = 64, congestion_threshold (u16) = 48
        out.bytes[out.length() + 2] = 48;
        out.skip(4).u32(MAX_IO).u32(1); // max_write, time_gran (ns)
        if (size == INIT_OUT_SIZE) {
            LittleEndian.put16(out.bytes, out.length(), MAX_IO / 4096); // max_pages
            out.skip(size - out.length());
        }
        initialized = true;
        return Answer.of(out);
    }

    private Answer lookup(Request r) throws FuseError {
        Inode parent = directory(r);
        byte[] name = r.args.name();
        reply(r, ENTRY_OUT_SIZE);
        return Answer.of(entry(lookupName(parent.fd, name)));
    }

    private Answer getattr(Request r) throws FuseError {
        Inode inode = inodes.get(r.nodeId);
        FuseReply out = reply(r, ATTR_OUT_SIZE);
        statFd(inode.fd);
        out.u64(CACHE_SECONDS).u32(0).u32(0);
        putAttr(out);
        return Answer.of(out);
    }

    private Answer setattr(Request r) throws FuseError {
        Inode inode = inodes.get(r.nodeId);
        FuseArgs a = r.args;
        int start = a.position();
        int valid = a.u32();
        a.u32();
        long fh = a.u64();
        long size = a.u64();
        a.u64(); // lock_owner
        long atime = a.u64();
        long mtime = a.u64();
        a.u64(); // ctime
        long atimensec = a.u32() & 0xffffffffL;
        long mtimensec = a.u32() & 0xffffffffL;
        a.u32(); // ctimensec
        int mode = a.u32();
        a.u32();
        int uid = a.u32();
        int gid = a.u32();
        a.skipTo(start, SETATTR_IN_SIZE);
        FuseReply out = reply(r, ATTR_OUT_SIZE);
        if ((valid & (FATTR_MODE | FATTR_UID | FATTR_GID | FATTR_SIZE | FATTR_ATIME | FATTR_MTIME)) != 0) {
            refuseIfReadOnly();
        }
        try (Arena arena = Arena.ofConfined()) {
            if ((valid & FATTR_MODE) != 0) {
                if (inode.type == FileCalls.S_IFLNK) {
                    throw new FuseError(Errno.EOPNOTSUPP);
                }
                check(FileCalls.fchmodat(FileCalls.AT_FDCWD, procPath(arena, inode.fd), mode & 07777));
            }
            if ((valid & (FATTR_UID | FATTR_GID)) != 0) {
                check(FileCalls.fchownat(inode.fd, empty(arena), (valid & FATTR_UID) != 0 ? uid : -1,
                        (valid & FATTR_GID) != 0 ? gid : -1, FileCalls.AT_EMPTY_PATH | FileCalls.AT_SYMLINK_NOFOLLOW));
            }
            if ((valid & FATTR_SIZE) != 0) {
                truncate(inode, (valid & FATTR_FH) != 0 ? fh : -1, size);
            }
            if ((valid & (FATTR_ATIME | FATTR_MTIME)) != 0) {
                MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
                times.setAtIndex(ValueLayout.JAVA_LONG, 0, atime);
                times.setAtIndex(ValueLayout.JAVA_LONG, 1, (valid & FATTR_ATIME) == 0 ? FileCalls.UTIME_OMIT
                        : (valid & FATTR_ATIME_NOW) != 0 ? FileCalls.UTIME_NOW : atimensec);
                times.setAtIndex(ValueLayout.JAVA_LONG, 2, mtime);
                times.setAtIndex(ValueLayout.JAVA_LONG, 3, (valid & FATTR_MTIME) == 0 ? FileCalls.UTIME_OMIT
                        : (valid & FATTR_MTIME_NOW) != 0 ? FileCalls.UTIME_NOW : mtimensec);
                check(FileCalls.utimensat(inode.fd, empty(arena), times, FileCalls.AT_EMPTY_PATH | FileCalls.AT_SYMLINK_NOFOLLOW));
            }
        }
        statFd(inode.fd);
        out.u64(CACHE_SECONDS).u32(0).u32(0);
        putAttr(out);
        return Answer.of(out);
    }

    private void truncate(Inode inode, long fh, long size) throws FuseError {
        if (size < 0) {
            throw new FuseError(Errno.EINVAL);
        }
        if (fh >= 0) {
            OpenFiles.Open o = files.get(fh, false);
            if (o.writable()) {
                check(FileCalls.ftruncate(o.fd(), size));
                return;
            }
        }
        if (inode.type != FileCalls.S_IFREG) {
            throw new FuseError(inode.type == FileCalls.S_IFDIR ? Errno.EISDIR : Errno.EINVAL);
        }
        int fd = reopen(inode, Libc.O_WRONLY);
        try {
            check(FileCalls.ftruncate(fd, size));
        } finally {
            FileCalls.close(fd);
        }
    }

    private Answer readlink(Request r) throws FuseError {
        Inode inode = inodes.get(r.nodeId);
        if (inode.type != FileCalls.S_IFLNK) {
            throw new FuseError(Errno.EINVAL);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(FuseArgs.PATH_MAX);
            int n = (int) check(FileCalls.readlinkat(inode.fd, empty(arena), buf));
            FuseReply out = reply(r, n);
            out.put(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            return Answer.of(out);
        }
    }

    private Answer symlink(Request r) throws FuseError {
        Inode parent = directory(r);
        byte[] name = r.args.name();
        byte[] target = r.args.string(FuseArgs.PATH_MAX - 1);
        if (target.length == 0) {
            throw new FuseError(Errno.ENOENT);
        }
        reply(r, ENTRY_OUT_SIZE);
        refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.symlinkat(c(arena, target), parent.fd, c(arena, name)));
        }
        return Answer.of(created(r, parent, name, 0777));
    }

    private Answer mknod(Request r) throws FuseError {
        Inode parent = directory(r);
        int mode = r.args.u32();
        int rdev = r.args.u32();
        r.args.u32();
        r.args.u32();
        byte[] name = r.args.name();
        reply(r, ENTRY_OUT_SIZE);
        refuseIfReadOnly();
        int type = mode & FileCalls.S_IFMT;
        if (type == S_IFCHR || type == S_IFBLK) {
            // a device node the guest made would open a host device for whoever on the host opens it
            throw new FuseError(Errno.EPERM);
        }
        if (type != FileCalls.S_IFREG && type != S_IFIFO && type != S_IFSOCK) {
            throw new FuseError(Errno.EINVAL);
        }
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.mknodat(parent.fd, c(arena, name), mode & (FileCalls.S_IFMT | 07777), 0));
        }
        return Answer.of(created(r, parent, name, mode));
    }

    private Answer mkdir(Request r) throws FuseError {
        Inode parent = directory(r);
        int mode = r.args.u32();
        r.args.u32();
        byte[] name = r.args.name();
        reply(r, ENTRY_OUT_SIZE);
        refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.mkdirat(parent.fd, c(arena, name), mode & 07777));
        }
        return Answer.of(created(r, parent, name, mode));
    }

    private Answer unlink(Request r, int flags) throws FuseError {
        Inode parent = directory(r);
        byte[] name = r.args.name();
        refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.unlinkat(parent.fd, c(arena, name), flags));
        }
        return Answer.of(new FuseReply(0));
    }

    private Answer rename(Request r, boolean withFlags) throws FuseError {
        Inode parent = directory(r);
        long newDir = r.args.u64();
        int flags = 0;
        if (withFlags) {
            flags = r.args.u32();
            r.args.u32();
        }
        byte[] oldName = r.args.name();
        byte[] newName = r.args.name();
        Inode target = inodes.get(newDir);
        if (target.type != FileCalls.S_IFDIR) {
            throw new FuseError(Errno.ENOTDIR);
        }
        if ((flags & ~(FileCalls.RENAME_NOREPLACE | FileCalls.RENAME_EXCHANGE | FileCalls.RENAME_WHITEOUT)) != 0) {
            throw new FuseError(Errno.EINVAL);
        }
        refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.renameat2(parent.fd, c(arena, oldName), target.fd, c(arena, newName), flags));
        }
        return Answer.of(new FuseReply(0));
    }

    private Answer link(Request r) throws FuseError {
        Inode parent = directory(r);
        Inode source = inodes.get(r.args.u64());
        byte[] name = r.args.name();
        reply(r, ENTRY_OUT_SIZE);
        refuseIfReadOnly();
        if (source.type == FileCalls.S_IFDIR) {
            throw new FuseError(Errno.EPERM);
        }
        try (Arena arena = Arena.ofConfined()) {
            // AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH; the /proc link names the same inode
            check(FileCalls.linkat(FileCalls.AT_FDCWD, procPath(arena, source.fd), parent.fd, c(arena, name),
                    FileCalls.AT_SYMLINK_FOLLOW));
        }
        return Answer.of(entry(lookupName(parent.fd, name)));
    }

    private int openFlags(int flags) throws FuseError {
        int kept = flags & OPEN_FLAGS_KEPT;
        if (readOnly && ((kept & FileCalls.O_ACCMODE) != Libc.O_RDONLY || (kept & Libc.O_TRUNC) != 0)) {
            throw new FuseError(Errno.EROFS);
        }
        if ((kept & FileCalls.O_ACCMODE) == FileCalls.O_ACCMODE) {
            throw new FuseError(Errno.EINVAL);
        }
        return kept;
    }

    private static boolean writable(int flags) {
        return (flags & FileCalls.O_ACCMODE) != Libc.O_RDONLY;
    }

    private Answer open(Request r) throws FuseError {
        Inode inode = inodes.get(r.nodeId);
        int flags = openFlags(r.args.u32());
        FuseReply out = reply(r, OPEN_OUT_SIZE);
        if (inode.type == FileCalls.S_IFDIR) {
            throw new FuseError(Errno.EISDIR);
        }
        long handle = files.add(reopen(inode, flags), false, writable(flags));
        out.u64(handle).u32(0).u32(0);
        return Answer.of(out);
    }

    private Answer create(Request r) throws FuseError {
        Inode parent = directory(r);
        FuseArgs a = r.args;
        int flags = a.u32();
        int mode = a.u32();
        a.u32(); // umask: the client applied it already (no FUSE_DONT_MASK)
        a.u32();
        byte[] name = a.name();
        reply(r, ENTRY_OUT_SIZE + OPEN_OUT_SIZE);
        refuseIfReadOnly();
        int kept = openFlags(flags);
        boolean exclusive = (flags & Libc.O_EXCL) != 0;
        int fd;
        boolean made = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = c(arena, name);
            long base = kept | Libc.O_CLOEXEC | FileCalls.O_NOFOLLOW;
            fd = FileCalls.openat2(parent.fd, n, base | Libc.O_CREAT | Libc.O_EXCL, mode & 07777, BENEATH);
            if (fd == -Errno.EEXIST && !exclusive) {
                made = false;
                fd = FileCalls.openat2(parent.fd, n, base, 0, BENEATH);
            }
            check(fd);
        }
        Inode inode;
        try (Arena arena = Arena.ofConfined()) {
            int path = FileCalls.openat(FileCalls.AT_FDCWD, procPath(arena, fd), FileCalls.O_PATH | Libc.O_CLOEXEC, 0);
            if (path < 0) {
                FileCalls.close(fd);
                throw new FuseError(-path);
            }
            inode = adopt(path);
        } catch (FuseError e) {
            FileCalls.close(fd);
            throw e;
        }
        long handle;
        try {
            if (made) {
                own(r, inode, mode);
                statFd(inode.fd);
            }
            handle = files.add(fd, false, writable(kept));
        } catch (FuseError e) {
            inodes.forget(inode.nodeId, 1);
            throw e;
        }
        FuseReply out = new FuseReply(ENTRY_OUT_SIZE + OPEN_OUT_SIZE);
        putEntry(out, inode);
        out.u64(handle).u32(0).u32(0);
        return Answer.of(out);
    }

    private Answer read(Request r) throws FuseError {
        FuseArgs a = r.args;
        long fh = a.u64();
        long offset = a.u64();
        long size = a.u32() & 0xffffffffL;
        OpenFiles.Open o = files.get(fh, false);
        if (offset < 0) {
            throw new FuseError(Errno.EINVAL);
        }
        long want = Math.min(Math.min(size, MAX_IO), r.writable);
        long done = transfer(r.memory, r.chain.writable(), OUT_HEADER_SIZE, want, o.fd(), offset, true);
        return new Answer(null, done);
    }

    private Answer write(Request r, long argsLength) throws FuseError {
        FuseArgs a = r.args;
        long fh = a.u64();
        long offset = a.u64();
        long size = a.u32() & 0xffffffffL;
        a.skipTo(0, WRITE_IN_SIZE);
        FuseReply out = reply(r, WRITE_OUT_SIZE);
        refuseIfReadOnly();
        OpenFiles.Open o = files.get(fh, false);
        if (offset < 0 || size > MAX_IO || size != argsLength - WRITE_IN_SIZE) {
            throw new FuseError(Errno.EINVAL);
        }
        long done = transfer(r.memory, r.chain.readable(), IN_HEADER_SIZE + WRITE_IN_SIZE, size, o.fd(), offset, false);
        out.u32(done).u32(0);
        return Answer.of(out);
    }

    /**
     * Moves up to {@code want} bytes between the file at {@code offset} and the guest buffers from
     * {@code skip} bytes into them, straight from or into guest RAM; stops at a short transfer (end
     * of file, disk full). Returns how many bytes moved.
     */
    private static long transfer(GuestMemory memory, List<Buffer> buffers, long skip, long want, int fd, long offset,
                                 boolean read) throws FuseError {
        long done = 0;
        for (Buffer b : buffers) {
            if (done == want) {
                break;
            }
            if (skip >= b.length()) {
                skip -= b.length();
                continue;
            }
            long n = Math.min(b.length() - skip, want - done);
            MemorySegment guest = memory.slice(b.address() + skip, n);
            long moved = check(read ? FileCalls.pread(fd, guest, offset + done) : FileCalls.pwrite(fd, guest, offset + done));
            done += moved;
            skip = 0;
            if (moved < n) {
                break;
            }
        }
        return done;
    }

    private Answer statfs(Request r) throws FuseError {
        FuseReply out = reply(r, STATFS_OUT_SIZE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(FileCalls.STATFS_SIZE, 8);
            check(FileCalls.fstatfs(inodes.root().fd, s));
            out.u64(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_BLOCKS)).u64(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_BFREE))
                    .u64(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_BAVAIL)).u64(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_FILES))
                    .u64(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_FFREE)).u32(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_BSIZE))
                    .u32(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_NAMELEN)).u32(s.get(ValueLayout.JAVA_LONG, FileCalls.STATFS_FRSIZE))
                    .skip(STATFS_OUT_SIZE - out.length());
        }
        return Answer.of(out);
    }

    private Answer release(Request r, boolean directory) throws FuseError {
        files.release(r.args.u64(), directory);
        return Answer.of(new FuseReply(0));
    }

    private Answer flush(Request r) throws FuseError {
        files.get(r.args.u64(), false); // no locks are held on the host, so nothing to drop
        return Answer.of(new FuseReply(0));
    }

    private Answer fsync(Request r, boolean directory) throws FuseError {
        OpenFiles.Open o = files.get(r.args.u64(), directory);
        check(FileCalls.fsync(o.fd(), (r.args.u32() & 1) != 0));
        return Answer.of(new FuseReply(0));
    }

    private Inode xattrTarget(Request r) throws FuseError {
        Inode inode = inodes.get(r.nodeId);
        if (inode.type == FileCalls.S_IFLNK) {
            // /proc/self/fd/N of a link's handle would be followed by the path-based xattr calls
            throw new FuseError(Errno.EOPNOTSUPP);
        }
        return inode;
    }

    private Answer setxattr(Request r) throws FuseError {
        Inode inode = xattrTarget(r);
        int size = r.args.u32();
        int flags = r.args.u32();
        byte[] name = r.args.string(FuseArgs.NAME_MAX);
        if (size < 0 || size > XATTR_SIZE_MAX || (flags & ~(FileCalls.XATTR_CREATE | FileCalls.XATTR_REPLACE)) != 0) {
            throw new FuseError(Errno.EINVAL);
        }
        byte[] value = r.args.bytes(size);
        refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(1, size)).asSlice(0, size);
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, size);
            check(FileCalls.setxattr(procPath(arena, inode.fd), c(arena, name), v, flags));
        }
        return Answer.of(new FuseReply(0));
    }

    private Answer getxattr(Request r, boolean list) throws FuseError {
        Inode inode = xattrTarget(r);
        long size = r.args.u32() & 0xffffffffL;
        r.args.u32();
        byte[] name = list ? null : r.args.string(FuseArgs.NAME_MAX);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = procPath(arena, inode.fd);
            if (size == 0) {
                FuseReply out = reply(r, GETXATTR_OUT_SIZE);
                long n = check(list ? FileCalls.listxattr(path, null) : FileCalls.getxattr(path, c(arena, name), null));
                out.u32(n).u32(0);
                return Answer.of(out);
            }
            MemorySegment buf = arena.allocate(Math.min(size, XATTR_SIZE_MAX));
            int n = (int) check(list ? FileCalls.listxattr(path, buf) : FileCalls.getxattr(path, c(arena, name), buf));
            FuseReply out = reply(r, n);
            out.put(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            return Answer.of(out);
        }
    }

    private Answer removexattr(Request r) throws FuseError {
        Inode inode = xattrTarget(r);
        byte[] name = r.args.string(FuseArgs.NAME_MAX);
        refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.removexattr(procPath(arena, inode.fd), c(arena, name)));
        }
        return Answer.of(new FuseReply(0));
    }

    private Answer opendir(Request r) throws FuseError {
        Inode inode = directory(r);
        FuseReply out = reply(r, OPEN_OUT_SIZE);
        long handle = files.add(reopen(inode, Libc.O_RDONLY | FileCalls.O_DIRECTORY), true, false);
        out.u64(handle).u32(0).u32(0);
        return Answer.of(out);
    }

    /**
     * READDIR(PLUS) from the directory cookie {@code offset}: getdents64 from there, one entry after
     * another while the reply has room; each entry's offset is the cookie of the next, so the next
     * request starts where this one stopped. READDIRPLUS looks each entry up (a counted lookup, so
     * only when it fits) except "." and "..", which go with node id 0 (the client then only lists them).
     */
    private Answer readdir(Request r, boolean plus) throws FuseError {
        FuseArgs a = r.args;
        long fh = a.u64();
        long offset = a.u64();
        long size = a.u32() & 0xffffffffL;
        OpenFiles.Open o = files.get(fh, true);
        FuseReply out = new FuseReply((int) Math.min(Math.min(size, MAX_IO), r.writable));
        check(FileCalls.lseek(o.fd(), offset, FileCalls.SEEK_SET));
        while (true) {
            long n = check(FileCalls.getdents64(o.fd(), scratch));
            if (n == 0) {
                break;
            }
            long at = 0;
            while (at < n) {
                long ino = scratch.get(ValueLayout.JAVA_LONG, at + FileCalls.DIRENT64_INO);
                long next = scratch.get(ValueLayout.JAVA_LONG, at + FileCalls.DIRENT64_OFF);
                int reclen = scratch.get(ValueLayout.JAVA_SHORT, at + FileCalls.DIRENT64_RECLEN) & 0xffff;
                int type = scratch.get(ValueLayout.JAVA_BYTE, at + FileCalls.DIRENT64_TYPE) & 0xff;
                byte[] name = scratch.asSlice(at + FileCalls.DIRENT64_NAME).getString(0, StandardCharsets.ISO_8859_1)
                        .getBytes(StandardCharsets.ISO_8859_1);
                int entry = (FUSE_NAME_OFFSET + name.length + 7) & -8;
                if (plus) {
                    entry += ENTRY_OUT_SIZE;
                }
                if (entry > out.room()) {
                    return Answer.of(out);
                }
                if (plus) {
                    Inode child = null;
                    if (FuseArgs.isComponent(name)) {
                        try {
                            child = lookupName(o.fd(), name);
                        } catch (FuseError e) {
                            // gone since getdents, or the table is full: listed without attributes
                        }
                    }
                    if (child != null) {
                        putEntry(out, child);
                    } else {
                        out.skip(ENTRY_OUT_SIZE);
                    }
                }
                out.u64(ino).u64(next).u32(name.length).u32(type).put(name).align(8);
                at += reclen;
            }
        }
        return Answer.of(out);
    }

    private Answer access(Request r) throws FuseError {
        inodes.get(r.nodeId);
        int mask = r.args.u32();
        if ((mask & W_OK) != 0) {
            refuseIfReadOnly();
        }
        return Answer.of(new FuseReply(0));
    }

    private Answer fallocate(Request r) throws FuseError {
        FuseArgs a = r.args;
        OpenFiles.Open o = files.get(a.u64(), false);
        long offset = a.u64();
        long length = a.u64();
        int mode = a.u32();
        refuseIfReadOnly();
        check(FileCalls.fallocate(o.fd(), mode, offset, length));
        return Answer.of(new FuseReply(0));
    }

    private Answer lseek(Request r) throws FuseError {
        FuseArgs a = r.args;
        OpenFiles.Open o = files.get(a.u64(), false);
        long offset = a.u64();
        int whence = a.u32();
        FuseReply out = reply(r, LSEEK_OUT_SIZE);
        if (whence != FileCalls.SEEK_DATA && whence != FileCalls.SEEK_HOLE) {
            throw new FuseError(Errno.EINVAL); // SEEK_SET/CUR/END the client does itself
        }
        out.u64(check(FileCalls.lseek(o.fd(), offset, whence)));
        return Answer.of(out);
    }

    private Answer destroy() {
        files.clear();
        inodes.clear();
        initialized = false;
        return Answer.of(new FuseReply(0));
    }

    /** The driver reset the device: a new session starts with INIT. */
    public void reset() {
        destroy();
    }

    @Override
    public void close() {
        destroy();
        FileCalls.close(inodes.root().fd);
    }
}
