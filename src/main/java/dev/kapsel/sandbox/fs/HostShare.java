package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileCalls;
import dev.kapsel.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One host directory shared into the sandbox (a bind mount's source, or the bundle's root written
 * through), with the virtio-fs server's guarantees: the directory is held as an {@code O_PATH}
 * handle and every name beneath it is resolved one component at a time from its parent's handle
 * ({@code openat2} with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS and O_NOFOLLOW,
 * or an {@code *at} call that does not follow the last name). No host path string is ever built, so
 * ".." and symlinks, whatever the host or the program swaps in, are interpreted by the {@link Vfs} in
 * the sandbox's view and never by the host. A read-only share refuses every change with EROFS here,
 * on the host side.
 */
public final class HostShare {
    static final long BENEATH = FileCalls.RESOLVE_BENEATH | FileCalls.RESOLVE_NO_MAGICLINKS | FileCalls.RESOLVE_NO_SYMLINKS;
    private final boolean readOnly;
    private final HostDirectory root;
    private final long dev;

    private HostShare(int rootFd, boolean readOnly) {
        this.readOnly = readOnly;
        HostHandle h = new HostHandle(rootFd);
        Stat st = statOf(h.fd(), new byte[0], "");
        this.dev = st.dev();
        this.root = new HostDirectory(this, h, st.ino());
    }

    /** Opens {@code directory} (a host directory, symlinks in its host path followed once, here) as a share. */
    public static HostShare open(Path directory, boolean readOnly) throws IOException {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = FileCalls.openat2(FileCalls.AT_FDCWD, arena.allocateFrom(directory.toAbsolutePath().toString()),
                    FileCalls.O_PATH | FileCalls.O_DIRECTORY | Libc.O_CLOEXEC, 0, 0);
        }
        if (fd < 0) {
            throw new IOException("cannot open shared directory " + directory + ": " + Errno.describe(-fd));
        }
        return new HostShare(fd, readOnly);
    }

    /**
     * What a bind of {@code source} mounts: a share's root for a directory; for a single file, that
     * file of a share of its directory (the rest of which stays out of the sandbox's reach).
     */
    public static Node bindSource(Path source, boolean readOnly) throws IOException {
        Path abs = source.toAbsolutePath().normalize();
        if (java.nio.file.Files.isDirectory(abs) || abs.getParent() == null) {
            return open(abs, readOnly).root();
        }
        HostShare dir = open(abs.getParent(), readOnly);
        if (!(dir.root().lookup(abs.getFileName().toString()) instanceof ShareFile file)) {
            throw new IOException("cannot bind " + source + ": not a directory or a regular file");
        }
        return file;
    }

    public HostDirectory root() {
        return root;
    }

    public boolean readOnly() {
        return readOnly;
    }

    long dev() {
        return dev;
    }

    /** EROFS for a read-only share. */
    void refuseIfReadOnly() {
        if (readOnly) {
            throw new ErrnoException(Errno.EROFS);
        }
    }

    static long check(long result) {
        if (result < 0) {
            throw new ErrnoException((int) -result);
        }
        return result;
    }

    static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    static MemorySegment c(Arena arena, byte[] s) {
        return FileCalls.cString(arena, s);
    }

    static MemorySegment procPath(Arena arena, int fd) {
        return arena.allocateFrom("/proc/self/fd/" + fd);
    }

    /** fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW), or of dirfd itself for an empty name. */
    static Stat statOf(int dirfd, byte[] name, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(FileCalls.STAT_SIZE, 8);
            int flags = FileCalls.AT_SYMLINK_NOFOLLOW | (name.length == 0 ? FileCalls.AT_EMPTY_PATH : 0);
            check(FileCalls.fstatat(dirfd, c(arena, name), st, flags));
            return stat(st);
        }
    }

    static Stat stat(MemorySegment st) {
        return new Stat(st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_DEV), st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_INO),
                st.get(ValueLayout.JAVA_INT, FileCalls.STAT_MODE), st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_NLINK),
                st.get(ValueLayout.JAVA_INT, FileCalls.STAT_UID), st.get(ValueLayout.JAVA_INT, FileCalls.STAT_GID),
                st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_RDEV), st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_SIZE_FIELD),
                st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_MTIME), st.get(ValueLayout.JAVA_LONG, FileCalls.STAT_MTIME + 8));
    }

    /** An O_PATH handle on {@code name} beneath {@code dirfd}, the name itself if it is a link. */
    static int pathHandle(int dirfd, byte[] name, int extraFlags) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(FileCalls.openat2(dirfd, c(arena, name),
                    FileCalls.O_PATH | FileCalls.O_NOFOLLOW | Libc.O_CLOEXEC | extraFlags, 0, BENEATH));
        }
    }

    /** chmod of exactly the inode {@code fd} holds (an O_PATH handle on a file or directory). */
    static void chmod(int fd, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.fchmodat(FileCalls.AT_FDCWD, procPath(arena, fd), mode & 07777));
        }
    }

    static void chown(int fd, int uid, int gid) {
        try (Arena arena = Arena.ofConfined()) {
            check(FileCalls.fchownat(fd, c(arena, new byte[0]), uid, gid, FileCalls.AT_EMPTY_PATH | FileCalls.AT_SYMLINK_NOFOLLOW));
        }
    }

    /** utimensat of the inode {@code fd} holds; {@code times} are atime sec, nsec, mtime sec, nsec (UTIME_NOW/OMIT in nsec). */
    static void utimes(int fd, long[] times) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(ValueLayout.JAVA_LONG, 4);
            for (int i = 0; i < 4; i++) {
                t.setAtIndex(ValueLayout.JAVA_LONG, i, times[i]);
            }
            check(FileCalls.utimensat(fd, c(arena, new byte[0]), t, FileCalls.AT_EMPTY_PATH | FileCalls.AT_SYMLINK_NOFOLLOW));
        }
    }
}
