package dev.kapsel.sandbox.fs;

/**
 * A node backed by a file of a {@link HostShare}: its metadata calls reach the host file itself,
 * through a handle on exactly that inode, and fail with EROFS on a read-only share.
 */
public interface HostNode {
    HostShare share();

    void chmod(int mode);

    /** chown(2); -1 leaves an id as it is. */
    void chown(int uid, int gid);

    /** utimensat(2) with atime sec, nsec, mtime sec, nsec ({@code UTIME_NOW}, {@code UTIME_OMIT} in nsec). */
    void utimes(long[] times);
}
