package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileCalls;
import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory of a {@link HostShare}, held by an {@code O_PATH} handle: each child is looked up,
 * created, renamed or removed as one component beneath that handle, so whatever is swapped in under
 * a name is seen as what it is (a symlink as a link whose text the {@link Vfs} resolves in the
 * sandbox), never followed on the host. Nothing is cached: every lookup asks the host again.
 */
public final class HostDirectory extends Directory implements HostNode {
    private static final int BUFFER = 32 * 1024;
    private final HostShare share;
    private final HostHandle handle;
    private final long ino;

    HostDirectory(HostShare share, HostHandle handle, long ino) {
        this.share = share;
        this.handle = handle;
        this.ino = ino;
    }

    @Override
    public HostShare share() {
        return share;
    }

    int fd() {
        return handle.fd();
    }

    @Override
    public long ino() {
        return ino;
    }

    @Override
    public Stat stat() {
        return HostShare.statOf(fd(), new byte[0], "");
    }

    @Override
    public Node lookup(String name) {
        if (!OverlayDirectory.validName(name)) {
            return null;
        }
        byte[] n = HostShare.bytes(name);
        Stat st;
        try {
            st = HostShare.statOf(fd(), n, name);
        } catch (ErrnoException e) {
            return null;
        }
        try {
            return switch (st.mode() & S_IFMT) {
                case S_IFDIR -> directory(n);
                case S_IFREG -> new ShareFile(share, this, n, st);
                case S_IFLNK -> new Symlink(readlink(n));
                default -> new OpaqueNode(st);
            };
        } catch (ErrnoException e) {
            return null; // changed under the name since the stat: absent for this walk
        }
    }

    /** The child directory {@code name}, held by a handle of its own. */
    private HostDirectory directory(byte[] name) {
        int fd = HostShare.pathHandle(fd(), name, FileCalls.O_DIRECTORY);
        HostHandle h = new HostHandle(fd);
        try {
            return new HostDirectory(share, h, HostShare.statOf(fd, new byte[0], "").ino());
        } catch (ErrnoException e) {
            h.close();
            throw e;
        }
    }

    private String readlink(byte[] name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096);
            long n = HostShare.check(FileCalls.readlinkat(fd(), HostShare.c(arena, name), buf));
            byte[] b = new byte[(int) n];
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, 0, b.length);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    @Override
    public List<String> list() {
        List<String> names = new ArrayList<>();
        for (Entry e : entries()) {
            names.add(e.name());
        }
        return names;
    }

    /** The host's entries with their inode numbers and d_type, without "." and "..". */
    @Override
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        int dir;
        try (Arena arena = Arena.ofConfined()) {
            dir = (int) HostShare.check(FileCalls.openat(FileCalls.AT_FDCWD, HostShare.procPath(arena, fd()),
                    Libc.O_RDONLY | FileCalls.O_DIRECTORY | Libc.O_CLOEXEC, 0));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(BUFFER, 8);
            while (true) {
                long n = HostShare.check(FileCalls.getdents64(dir, buf));
                if (n == 0) {
                    break;
                }
                for (long at = 0; at < n; ) {
                    int reclen = buf.get(ValueLayout.JAVA_SHORT, at + FileCalls.DIRENT64_RECLEN) & 0xffff;
                    String name = buf.getString(at + FileCalls.DIRENT64_NAME, StandardCharsets.UTF_8);
                    if (!name.equals(".") && !name.equals("..")) {
                        out.add(new Entry(name, buf.get(ValueLayout.JAVA_LONG, at + FileCalls.DIRENT64_INO),
                                buf.get(ValueLayout.JAVA_BYTE, at + FileCalls.DIRENT64_TYPE) & 0xff));
                    }
                    at += reclen;
                }
            }
        } finally {
            FileCalls.close(dir);
        }
        return out;
    }

    @Override
    public void add(String name, Node node) {
        throw new ErrnoException(share.readOnly() ? Errno.EROFS : Errno.EPERM); // only host files go in a host directory
    }

    @Override
    public void remove(String name) {
        unlink(name, false);
    }

    /** Creates the regular file {@code name} (EEXIST if there is one) with exactly {@code mode}. */
    ShareFile createFile(String name, int mode) {
        share.refuseIfReadOnly();
        byte[] n = HostShare.bytes(name);
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) HostShare.check(FileCalls.openat2(fd(), HostShare.c(arena, n), Libc.O_CREAT | Libc.O_EXCL | Libc.O_RDWR
                    | FileCalls.O_NOFOLLOW | Libc.O_CLOEXEC, mode & 07777, HostShare.BENEATH));
        }
        HostHandle h = new HostHandle(fd);
        try {
            HostShare.chmod(fd, mode); // the sandbox applied its umask; the host's is not applied again
            return new ShareFile(share, this, n, HostShare.statOf(fd, new byte[0], name), h);
        } catch (ErrnoException e) {
            h.close();
            throw e;
        }
    }

    void mkdir(String name, int mode) {
        share.refuseIfReadOnly();
        byte[] n = HostShare.bytes(name);
        try (Arena arena = Arena.ofConfined()) {
            HostShare.check(FileCalls.mkdirat(fd(), HostShare.c(arena, n), mode & 07777));
        }
        int fd = HostShare.pathHandle(fd(), n, FileCalls.O_DIRECTORY);
        try {
            HostShare.chmod(fd, mode);
        } finally {
            FileCalls.close(fd);
        }
    }

    void symlink(String name, String target) {
        share.refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            HostShare.check(FileCalls.symlinkat(HostShare.c(arena, HostShare.bytes(target)), fd(),
                    HostShare.c(arena, HostShare.bytes(name))));
        }
    }

    void unlink(String name, boolean directory) {
        share.refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            HostShare.check(FileCalls.unlinkat(fd(), HostShare.c(arena, HostShare.bytes(name)),
                    directory ? FileCalls.AT_REMOVEDIR : 0));
        }
    }

    /** renameat2 within the share; the caller has checked {@code to} is a directory of the same share. */
    void rename(String name, HostDirectory to, String toName, boolean noReplace) {
        share.refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            HostShare.check(FileCalls.renameat2(fd(), HostShare.c(arena, HostShare.bytes(name)), to.fd(),
                    HostShare.c(arena, HostShare.bytes(toName)), noReplace ? FileCalls.RENAME_NOREPLACE : 0));
        }
    }

    /** linkat without following: {@code to/toName} becomes another name of what {@code name} is here. */
    void link(String name, HostDirectory to, String toName) {
        share.refuseIfReadOnly();
        try (Arena arena = Arena.ofConfined()) {
            HostShare.check(FileCalls.linkat(fd(), HostShare.c(arena, HostShare.bytes(name)), to.fd(),
                    HostShare.c(arena, HostShare.bytes(toName)), 0));
        }
    }

    @Override
    public void chmod(int mode) {
        share.refuseIfReadOnly();
        HostShare.chmod(fd(), mode);
    }

    @Override
    public void chown(int uid, int gid) {
        share.refuseIfReadOnly();
        HostShare.chown(fd(), uid, gid);
    }

    @Override
    public void utimes(long[] times) {
        share.refuseIfReadOnly();
        HostShare.utimes(fd(), times);
    }
}
