package dev.kapsel.virtio;

import dev.kapsel.memory.GuestMemory;

/**
 * The driver's side of a split virtqueue, for tests: lays out the descriptor table, available and
 * used rings in a {@link GuestMemory} and adds chains the way a driver does, or writes raw (hostile)
 * entries. Reads back what the device put in the used ring.
 */
public final class MockVirtqueue {
    /** One buffer the test wants in a chain. */
    public record Seg(long address, int length, boolean writable) {
        public static Seg readable(long address, int length) {
            return new Seg(address, length, false);
        }

        public static Seg writable(long address, int length) {
            return new Seg(address, length, true);
        }
    }

    private final GuestMemory memory;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private int nextFree;
    private int availIdx;

    /** Rings for a queue of {@code size} entries, starting at {@code base} (16-byte aligned). */
    public MockVirtqueue(GuestMemory memory, long base, int size) {
        this.memory = memory;
        this.size = size;
        this.desc = base;
        this.avail = base + 16L * size;
        this.used = (avail + 6 + 2L * size + 3) & ~3L;
    }

    /** Bytes the rings take from {@code base}. */
    public long footprint() {
        return used + 6 + 8L * size - desc;
    }

    public int size() {
        return size;
    }

    public long descTable() {
        return desc;
    }

    public long availRing() {
        return avail;
    }

    public long usedRing() {
        return used;
    }

    /** Gives {@code queue} this layout, as the transport would from the driver's register writes. */
    public Virtqueue configure(Virtqueue queue) {
        queue.setSize(size);
        queue.setDescTable(desc);
        queue.setAvailRing(avail);
        queue.setUsedRing(used);
        queue.setReady(true);
        return queue;
    }

    public void writeDescriptor(int index, long address, int length, int flags, int next) {
        writeDescriptorAt(desc, index, address, length, flags, next);
    }

    public void writeDescriptorAt(long table, int index, long address, int length, int flags, int next) {
        long at = table + 16L * index;
        memory.writeU64(at, address);
        memory.writeU32(at + 8, length);
        memory.writeU16(at + 12, flags);
        memory.writeU16(at + 14, next);
    }

    /** Adds a chain of direct descriptors and makes it available; returns its head. */
    public int addChain(Seg... segs) {
        int head = nextFree;
        for (int i = 0; i < segs.length; i++) {
            int index = (nextFree + i) % size;
            boolean last = i == segs.length - 1;
            int flags = (segs[i].writable() ? VirtqDescriptor.F_WRITE : 0) | (last ? 0 : VirtqDescriptor.F_NEXT);
            writeDescriptor(index, segs[i].address(), segs[i].length(), flags, (index + 1) % size);
        }
        nextFree = (nextFree + segs.length) % size;
        publish(head);
        return head;
    }

    /** Adds one indirect descriptor whose table, written at {@code table}, holds {@code segs}. */
    public int addIndirectChain(long table, Seg... segs) {
        for (int i = 0; i < segs.length; i++) {
            boolean last = i == segs.length - 1;
            int flags = (segs[i].writable() ? VirtqDescriptor.F_WRITE : 0) | (last ? 0 : VirtqDescriptor.F_NEXT);
            writeDescriptorAt(table, i, segs[i].address(), segs[i].length(), flags, i + 1);
        }
        int head = nextFree;
        writeDescriptor(head, table, 16 * segs.length, VirtqDescriptor.F_INDIRECT, 0);
        nextFree = (nextFree + 1) % size;
        publish(head);
        return head;
    }

    /** Puts {@code head} in the next available-ring slot and bumps avail.idx. */
    public void publish(int head) {
        memory.writeU16(avail + 4 + 2L * (availIdx % size), head);
        availIdx = (availIdx + 1) & 0xffff;
        memory.writeU16(avail + 2, availIdx);
    }

    public void setAvailIdx(int value) {
        availIdx = value & 0xffff;
        memory.writeU16(avail + 2, availIdx);
    }

    public void setAvailFlags(int flags) {
        memory.writeU16(avail, flags);
    }

    public void setUsedEvent(int value) {
        memory.writeU16(avail + 4 + 2L * size, value);
    }

    public int availEvent() {
        return memory.readU16(used + 4 + 8L * size);
    }

    public int usedIdx() {
        return memory.readU16(used + 2);
    }

    public int usedId(int n) {
        return memory.readU32(used + 4 + 8L * (n % size));
    }

    public int usedLen(int n) {
        return memory.readU32(used + 4 + 8L * (n % size) + 4);
    }
}
