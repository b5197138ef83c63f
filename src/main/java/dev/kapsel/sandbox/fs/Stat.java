package dev.kapsel.sandbox.fs;

/** What stat(2) reports about a node. Times are seconds and nanoseconds since the epoch. */
public record Stat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev, long size, long mtimeSec,
                   long mtimeNsec) {
    public long blocks() {
        return (size + 511) / 512;
    }
}
