package dev.kapsel.sandbox;

import dev.kapsel.sandbox.fs.ShmemFile;
import dev.kapsel.sandbox.mm.SharedPages;

/**
 * One System V shared-memory segment (shmget(2)): a nameless {@link ShmemFile} of {@code size}
 * bytes, its page cache, and the {@code shmid_ds} facts shmctl(IPC_STAT) reports. Its attach count
 * is the number of areas mapping it in any process, as Linux counts them; after IPC_RMID it goes
 * when that count is zero.
 */
final class SysvSegment {
    static final int SHM_DEST = 01000;
    final int id;
    final int key;
    final long size;
    final ShmemFile file;
    final SharedPages pages;
    final int creatorPid;
    int uid;
    int gid;
    final int creatorUid;
    final int creatorGid;
    int mode;
    int lastPid;
    long attachTime;
    long detachTime;
    long changeTime = now();
    boolean removed;

    SysvSegment(int id, int key, long size, ShmemFile file, SharedPages pages, int creatorPid, int uid, int gid, int mode) {
        this.id = id;
        this.key = key;
        this.size = size;
        this.file = file;
        this.pages = pages;
        this.creatorPid = creatorPid;
        this.uid = uid;
        this.gid = gid;
        this.creatorUid = uid;
        this.creatorGid = gid;
        this.mode = mode & 0777;
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    long attaches() {
        return pages.areas();
    }

    /** Gone: removed and attached nowhere. */
    boolean destroyable() {
        return removed && attaches() == 0;
    }

    /** The struct shmid64_ds of asm-generic/shmbuf.h (x86-64): ipc64_perm (48 bytes), then the segment's facts. */
    byte[] shmidDs() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(112).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, removed ? 0 : key).putInt(4, uid).putInt(8, gid).putInt(12, creatorUid).putInt(16, creatorGid);
        b.putShort(20, (short) (mode | (removed ? SHM_DEST : 0))).putShort(24, (short) (id / SysvSegments.SEQ_MULTIPLIER));
        b.putLong(48, size).putLong(56, attachTime).putLong(64, detachTime).putLong(72, changeTime);
        b.putInt(80, creatorPid).putInt(84, lastPid).putLong(88, attaches());
        return b.array();
    }
}
