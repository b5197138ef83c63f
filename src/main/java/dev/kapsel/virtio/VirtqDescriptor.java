package dev.kapsel.virtio;

/**
 * One entry of a split virtqueue's descriptor table (virtio 1.2, section 2.7.5), 16 bytes in guest
 * memory: {@code le64 addr; le32 len; le16 flags; le16 next}. Every field is guest-controlled.
 */
public record VirtqDescriptor(long address, int length, int flags, int next) {
    public static final int SIZE = 16;
    /** The chain continues at {@link #next}. */
    public static final int F_NEXT = 1;
    /** The buffer is device-writable (otherwise device-readable). */
    public static final int F_WRITE = 2;
    /** The buffer holds a table of further descriptors. */
    public static final int F_INDIRECT = 4;

    public boolean hasNext() {
        return (flags & F_NEXT) != 0;
    }

    public boolean isWritable() {
        return (flags & F_WRITE) != 0;
    }

    public boolean isIndirect() {
        return (flags & F_INDIRECT) != 0;
    }

    /** The buffer length as the unsigned 32-bit value it is. */
    public long unsignedLength() {
        return Integer.toUnsignedLong(length);
    }
}
