package dev.kapsel.devices.virtio.fs;

import dev.kapsel.memory.LittleEndian;

/**
 * The body of a reply (what follows {@code struct fuse_out_header}), written front to back into an
 * array sized once from what the request may be answered with: never grows.
 */
final class FuseReply {
    final byte[] bytes;
    private int at;

    FuseReply(int capacity) {
        this.bytes = new byte[capacity];
    }

    int length() {
        return at;
    }

    int room() {
        return bytes.length - at;
    }

    FuseReply u32(long v) {
        LittleEndian.put32(bytes, at, v);
        at += 4;
        return this;
    }

    FuseReply u64(long v) {
        LittleEndian.put64(bytes, at, v);
        at += 8;
        return this;
    }

    FuseReply put(byte[] b) {
        System.arraycopy(b, 0, bytes, at, b.length);
        at += b.length;
        return this;
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    FuseReply align(int alignment) {
        at = (at + alignment - 1) & -alignment;
        return this;
    }

    FuseReply skip(int n) {
        at += n;
        return this;
    }
}
