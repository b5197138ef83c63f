package dev.kapsel.sandbox.fs;

import java.util.concurrent.atomic.AtomicLong;

/** A file, directory, symbolic link or device in the sandbox's file system view. */
public abstract class Node {
    public static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000,
            S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000, S_IFSOCK = 0140000;
    private static final AtomicLong INODES = new AtomicLong(100);

    private final long ino = INODES.incrementAndGet();
    /** The page cache of shared mappings of this file, once one was made. */
    private FilePages pages;

    public long ino() {
        return ino;
    }

    public abstract Stat stat();

    /** The cached pages of this file's shared mappings, or null if it was never mapped shared. */
    public final FilePages pages() {
        return pages;
    }

    /** Attaches the page cache made by the first shared mapping; it stays for the node's life. */
    public final void attachPages(FilePages cache) {
        if (pages != null) {
            throw new IllegalStateException("node " + ino + " has a page cache already");
        }
        pages = cache;
    }

    public final int type() {
        return stat().mode() & S_IFMT;
    }

    public final boolean isDirectory() {
        return this instanceof Directory;
    }

    /** Opens this node; {@code flags} are the O_* flags of open(2). */
    public abstract OpenFile open(int flags);
}
