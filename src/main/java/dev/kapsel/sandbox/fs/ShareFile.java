package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileCalls;
import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;

/**
 * A regular file of a {@link HostShare}: a name beneath its directory's handle. Each open is an
 * {@code openat2} of that one name beneath the handle with O_NOFOLLOW (a symlink swapped in fails
 * with ELOOP, it is not followed); the bytes are then read and written with pread/pwrite on the host
 * descriptor behind {@link FileData} ({@link HostFileData}). Metadata calls go through an
 * {@code O_PATH} handle on the name, checked to be a regular file.
 */
public final class ShareFile extends Node implements HostNode {
    private final HostShare share;
    private final HostDirectory parent;
    private final byte[] name;
    private Stat last;
    /** The descriptor the creating open made, used by the first open (so a file made 0444 can be written by its creator). */
    private HostHandle created;

    ShareFile(HostShare share, HostDirectory parent, byte[] name, Stat stat) {
        this(share, parent, name, stat, null);
    }

    ShareFile(HostShare share, HostDirectory parent, byte[] name, Stat stat, HostHandle created) {
        this.share = share;
        this.parent = parent;
        this.name = name;
        this.last = stat;
        this.created = created;
    }

    @Override
    public HostShare share() {
        return share;
    }

    HostDirectory parent() {
        return parent;
    }

    String name() {
        return new String(name, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public long ino() {
        return last.ino();
    }

    /** The host's stat of the name now; the last one seen if it has gone (a file unlinked while open). */
    @Override
    public Stat stat() {
        try {
            last = HostShare.statOf(parent.fd(), name, "");
        } catch (ErrnoException e) {
            // keep the last stat
        }
        return last;
    }

    @Override
    public OpenFile open(int flags) {
        int access = flags & FileCalls.O_ACCMODE;
        boolean truncate = (flags & Libc.O_TRUNC) != 0 && access != 0;
        if (access != 0 || (flags & Libc.O_TRUNC) != 0) {
            share.refuseIfReadOnly();
        }
        HostHandle h = created;
        created = null;
        if (h == null) {
            int hostFlags = (access == 0 ? Libc.O_RDONLY : access == 1 ? Libc.O_WRONLY : Libc.O_RDWR)
                    | (truncate ? Libc.O_TRUNC : 0) | FileCalls.O_NOFOLLOW | Libc.O_CLOEXEC;
            try (Arena arena = Arena.ofConfined()) {
                h = new HostHandle((int) HostShare.check(FileCalls.openat2(parent.fd(), HostShare.c(arena, name), hostFlags, 0,
                        HostShare.BENEATH)));
            }
        }
        return new RegularHandle(this, new HostFileData(h, !share.readOnly() && access != 0), flags);
    }

    /** Runs {@code action} on an O_PATH handle of the name, checked to be a regular file (not a link swapped in). */
    private void onHandle(java.util.function.IntConsumer action) {
        share.refuseIfReadOnly();
        int fd = HostShare.pathHandle(parent.fd(), name, 0);
        try {
            if ((HostShare.statOf(fd, new byte[0], "").mode() & S_IFMT) != S_IFREG) {
                throw new ErrnoException(Errno.ENOENT);
            }
            action.accept(fd);
        } finally {
            FileCalls.close(fd);
        }
    }

    @Override
    public void chmod(int mode) {
        onHandle(fd -> HostShare.chmod(fd, mode));
    }

    @Override
    public void chown(int uid, int gid) {
        onHandle(fd -> HostShare.chown(fd, uid, gid));
    }

    @Override
    public void utimes(long[] times) {
        onHandle(fd -> HostShare.utimes(fd, times));
    }
}
