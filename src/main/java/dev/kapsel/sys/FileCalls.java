package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The file-system system calls of a file server that resolves every name beneath a directory handle
 * ({@code openat2}, {@code O_PATH} handles and the {@code *at} calls). All of them go through one
 * downcall, the C library's {@code syscall(2)} with six {@code long} arguments, so there is one
 * signature to get right; pointers travel as addresses. Every call returns the kernel's result, a
 * negative errno on failure, never throws: a file server answers most failures (ENOENT on lookup,
 * EEXIST on create) to its client, and an exception per miss costs more than the call.
 *
 * <p>The numbers are x86-64's ({@code <asm/unistd_64.h>}); {@code FileCallsLayoutTest} checks each
 * against the headers with gcc, as it checks the flags and the offsets in {@code struct stat},
 * {@code struct statfs}, {@code struct open_how} and {@code struct linux_dirent64}.
 */
public final class FileCalls {
    private FileCalls() {}

    public static final long SYS_lseek = 8;
    public static final long SYS_pread64 = 17;
    public static final long SYS_pwrite64 = 18;
    public static final long SYS_fsync = 74;
    public static final long SYS_fdatasync = 75;
    public static final long SYS_ftruncate = 77;
    public static final long SYS_fstatfs = 138;
    public static final long SYS_setxattr = 188;
    public static final long SYS_getxattr = 191;
    public static final long SYS_listxattr = 194;
    public static final long SYS_removexattr = 197;
    public static final long SYS_getdents64 = 217;
    public static final long SYS_openat = 257;
    public static final long SYS_mkdirat = 258;
    public static final long SYS_mknodat = 259;
    public static final long SYS_fchownat = 260;
    public static final long SYS_newfstatat = 262;
    public static final long SYS_unlinkat = 263;
    public static final long SYS_linkat = 265;
    public static final long SYS_symlinkat = 266;
    public static final long SYS_readlinkat = 267;
    public static final long SYS_fchmodat = 268;
    public static final long SYS_utimensat = 280;
    public static final long SYS_fallocate = 285;
    public static final long SYS_renameat2 = 316;
    public static final long SYS_openat2 = 437;
    public static final long SYS_close = 3;

    public static final int O_ACCMODE = 3;
    public static final int O_APPEND = 02000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_PATH = 010000000;
    public static final int O_DIRECT = 040000;
    public static final int O_SYNC = 04010000;
    public static final int O_DSYNC = 010000;
    public static final int O_NOATIME = 01000000;

    public static final long RESOLVE_NO_XDEV = 0x01;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;

    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_REMOVEDIR = 0x200;
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    public static final int AT_EMPTY_PATH = 0x1000;

    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;
    public static final int RENAME_WHITEOUT = 4;

    public static final int XATTR_CREATE = 1;
    public static final int XATTR_REPLACE = 2;

    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    public static final long UTIME_NOW = (1L << 30) - 1;
    public static final long UTIME_OMIT = (1L << 30) - 2;

    public static final int SEEK_SET = 0;
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;

    /** {@code struct open_how}: flags, mode, resolve, each a u64. */
    public static final long OPEN_HOW_SIZE = 24;
    public static final long OPEN_HOW_FLAGS = 0;
    public static final long OPEN_HOW_MODE = 8;
    public static final long OPEN_HOW_RESOLVE = 16;

    /** {@code struct stat} (x86-64). */
    public static final long STAT_SIZE = 144;
    public static final long STAT_DEV = 0;
    public static final long STAT_INO = 8;
    public static final long STAT_NLINK = 16;
    public static final long STAT_MODE = 24;
    public static final long STAT_UID = 28;
    public static final long STAT_GID = 32;
    public static final long STAT_RDEV = 40;
    public static final long STAT_SIZE_FIELD = 48;
    public static final long STAT_BLKSIZE = 56;
    public static final long STAT_BLOCKS = 64;
    public static final long STAT_ATIME = 72;
    public static final long STAT_MTIME = 88;
    public static final long STAT_CTIME = 104;

    /** {@code struct statfs} (x86-64). */
    public static final long STATFS_SIZE = 120;
    public static final long STATFS_BSIZE = 8;
    public static final long STATFS_BLOCKS = 16;
    public static final long STATFS_BFREE = 24;
    public static final long STATFS_BAVAIL = 32;
    public static final long STATFS_FILES = 40;
    public static final long STATFS_FFREE = 48;
    public static final long STATFS_NAMELEN = 64;
    public static final long STATFS_FRSIZE = 72;

    /** {@code struct linux_dirent64}: u64 ino, s64 off, u16 reclen, u8 type, name. */
    public static final long DIRENT64_INO = 0;
    public static final long DIRENT64_OFF = 8;
    public static final long DIRENT64_RECLEN = 16;
    public static final long DIRENT64_TYPE = 18;
    public static final long DIRENT64_NAME = 19;

    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final MethodHandle SYSCALL = Libc.handle("syscall",
            FunctionDescriptor.of(L, L, L, L, L, L, L, L), Linker.Option.firstVariadicArg(1));

    /** The raw call: the result, or {@code -errno}. */
    public static long syscall(long number, long a, long b, long c, long d, long e, long f) {
        MemorySegment state = Libc.STATE.get();
        try {
            long r = (long) SYSCALL.invokeExact(state, number, a, b, c, d, e, f);
            return r == -1 ? -Libc.errno(state) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static long call(long number, long... args) {
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        return syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    /** A NUL-terminated copy of {@code name}'s bytes, which the caller has checked hold no NUL. */
    public static MemorySegment cString(Arena arena, byte[] name) {
        MemorySegment s = arena.allocate(name.length + 1L);
        MemorySegment.copy(name, 0, s, ValueLayout.JAVA_BYTE, 0, name.length);
        return s;
    }

    private static long a(MemorySegment s) {
        return s == null ? 0 : s.address();
    }

    /** openat2(2) of {@code name} beneath {@code dirfd} with the {@code RESOLVE_*} bits {@code resolve}. */
    public static int openat2(int dirfd, MemorySegment name, long flags, long mode, long resolve) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment how = arena.allocate(OPEN_HOW_SIZE, 8);
            how.set(L, OPEN_HOW_FLAGS, flags);
            how.set(L, OPEN_HOW_MODE, mode);
            how.set(L, OPEN_HOW_RESOLVE, resolve);
            return (int) call(SYS_openat2, dirfd, a(name), how.address(), OPEN_HOW_SIZE);
        }
    }

    /** openat(2); used only to reopen an {@code O_PATH} handle through {@code /proc/self/fd}. */
    public static int openat(int dirfd, MemorySegment name, int flags, int mode) {
        return (int) call(SYS_openat, dirfd, a(name), flags, mode);
    }

    public static int close(int fd) {
        return (int) call(SYS_close, fd);
    }

    /** newfstatat(2) into a {@link #STAT_SIZE}-byte {@code buf}; with AT_EMPTY_PATH and an empty name, the handle itself. */
    public static int fstatat(int dirfd, MemorySegment name, MemorySegment buf, int flags) {
        return (int) call(SYS_newfstatat, dirfd, a(name), a(buf), flags);
    }

    public static long getdents64(int fd, MemorySegment buf) {
        return call(SYS_getdents64, fd, a(buf), buf.byteSize());
    }

    public static long pread(int fd, MemorySegment buf, long offset) {
        return call(SYS_pread64, fd, a(buf), buf.byteSize(), offset);
    }

    public static long pwrite(int fd, MemorySegment buf, long offset) {
        return call(SYS_pwrite64, fd, a(buf), buf.byteSize(), offset);
    }

    public static int mkdirat(int dirfd, MemorySegment name, int mode) {
        return (int) call(SYS_mkdirat, dirfd, a(name), mode);
    }

    public static int mknodat(int dirfd, MemorySegment name, int mode, long dev) {
        return (int) call(SYS_mknodat, dirfd, a(name), mode, dev);
    }

    public static int unlinkat(int dirfd, MemorySegment name, int flags) {
        return (int) call(SYS_unlinkat, dirfd, a(name), flags);
    }

    public static int renameat2(int olddir, MemorySegment oldname, int newdir, MemorySegment newname, int flags) {
        return (int) call(SYS_renameat2, olddir, a(oldname), newdir, a(newname), flags);
    }

    public static int symlinkat(MemorySegment target, int dirfd, MemorySegment name) {
        return (int) call(SYS_symlinkat, a(target), dirfd, a(name));
    }

    public static int linkat(int olddir, MemorySegment oldname, int newdir, MemorySegment newname, int flags) {
        return (int) call(SYS_linkat, olddir, a(oldname), newdir, a(newname), flags);
    }

    public static long readlinkat(int dirfd, MemorySegment name, MemorySegment buf) {
        return call(SYS_readlinkat, dirfd, a(name), a(buf), buf.byteSize());
    }

    public static int fchmodat(int dirfd, MemorySegment name, int mode) {
        return (int) call(SYS_fchmodat, dirfd, a(name), mode);
    }

    public static int fchownat(int dirfd, MemorySegment name, int uid, int gid, int flags) {
        return (int) call(SYS_fchownat, dirfd, a(name), uid, gid, flags);
    }

    /** utimensat(2) with {@code times} = two {@code struct timespec} (sec, nsec as longs). */
    public static int utimensat(int dirfd, MemorySegment name, MemorySegment times, int flags) {
        return (int) call(SYS_utimensat, dirfd, a(name), a(times), flags);
    }

    public static int fstatfs(int fd, MemorySegment buf) {
        return (int) call(SYS_fstatfs, fd, a(buf));
    }

    public static int fallocate(int fd, int mode, long offset, long length) {
        return (int) call(SYS_fallocate, fd, mode, offset, length);
    }

    public static long lseek(int fd, long offset, int whence) {
        return call(SYS_lseek, fd, offset, whence);
    }

    public static int fsync(int fd, boolean dataOnly) {
        return (int) call(dataOnly ? SYS_fdatasync : SYS_fsync, fd);
    }

    public static int ftruncate(int fd, long length) {
        return (int) call(SYS_ftruncate, fd, length);
    }

    /*
     * The xattr calls take a path: the f* forms refuse O_PATH handles, so the server passes
     * /proc/self/fd/N of the handle, which names exactly the inode it holds.
     */

    public static long getxattr(MemorySegment path, MemorySegment name, MemorySegment buf) {
        return call(SYS_getxattr, a(path), a(name), a(buf), buf == null ? 0 : buf.byteSize());
    }

    public static int setxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
        return (int) call(SYS_setxattr, a(path), a(name), a(value), value.byteSize(), flags);
    }

    public static long listxattr(MemorySegment path, MemorySegment buf) {
        return call(SYS_listxattr, a(path), a(buf), buf == null ? 0 : buf.byteSize());
    }

    public static int removexattr(MemorySegment path, MemorySegment name) {
        return (int) call(SYS_removexattr, a(path), a(name));
    }
}
