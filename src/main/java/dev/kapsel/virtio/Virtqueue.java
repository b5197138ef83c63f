package dev.kapsel.virtio;

import dev.kapsel.memory.GuestMemory;
import java.lang.invoke.VarHandle;

/**
 * The device side of one split virtqueue (virtio 1.2, section 2.7) in guest memory.
 *
 * <p>The transport fills in the configuration the driver writes (size, ring addresses, ready); at
 * DRIVER_OK {@link #activate} checks it against guest RAM once, after which the device takes chains
 * with {@link #pop}, returns them with {@link #addUsed}, and asks {@link #needsNotification} whether
 * to interrupt the driver.
 *
 * <p>Memory ordering follows the spec's barriers, with {@link VarHandle} fences standing in for the
 * kernel's {@code virt_rmb/virt_wmb/virt_mb}: an acquire fence between reading {@code avail.idx} and
 * reading the ring entry and descriptors it covers; a release fence between writing a used element and
 * publishing it through {@code used.idx}; a full fence between publishing {@code used.idx} (or
 * {@code avail_event}) and reading the driver's {@code used_event} (or {@code avail.idx}) again.
 *
 * <p>Not thread-safe: one device thread (or the transport's lock) drives it.
 */
public final class Virtqueue {
    private static final int AVAIL_F_NO_INTERRUPT = 1;

    private final int maxSize;
    private int size;
    private boolean ready;
    private long descTable;
    private long availRing;
    private long usedRing;

    private GuestMemory memory;
    private boolean eventIdx;
    private int nextAvail;
    private int nextUsed;
    /** used.idx when the driver was last notified, for event-idx suppression. */
    private int signalledUsed;

    /** @param maxSize QueueNumMax: a power of two, at most 32768 */
    public Virtqueue(int maxSize) {
        if (maxSize < 1 || maxSize > 32768 || Integer.bitCount(maxSize) != 1) {
            throw new IllegalArgumentException("virtqueue maximum size must be a power of two in 1..32768, not " + maxSize);
        }
        this.maxSize = maxSize;
        this.size = maxSize;
    }

    public int maxSize() {
        return maxSize;
    }

    public int size() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }

    public boolean isReady() {
        return ready;
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    public long descTable() {
        return descTable;
    }

    public void setDescTable(long address) {
        this.descTable = address;
    }

    public long availRing() {
        return availRing;
    }

    public void setAvailRing(long address) {
        this.availRing = address;
    }

    public long usedRing() {
        return usedRing;
    }

    public void setUsedRing(long address) {
        this.usedRing = address;
    }

    /** Back to the state after device reset: not ready, default size, no addresses, indexes at 0. */
    public void reset() {
        size = maxSize;
        ready = false;
        descTable = 0;
        availRing = 0;
        usedRing = 0;
        memory = null;
        eventIdx = false;
        nextAvail = 0;
        nextUsed = 0;
        signalledUsed = 0;
    }

    /**
     * Checks the driver's configuration and attaches the queue to guest memory. Called at DRIVER_OK
     * for each ready queue.
     *
     * @param eventIdx whether VIRTIO_F_EVENT_IDX was negotiated
     */
    public void activate(GuestMemory memory, boolean eventIdx) throws VirtqueueException {
        if (size < 1 || size > maxSize || Integer.bitCount(size) != 1) {
            throw new VirtqueueException.BadQueueSize(size, maxSize);
        }
        check(memory, "descriptor", descTable, (long) VirtqDescriptor.SIZE * size, 16);
        check(memory, "available", availRing, 6 + 2L * size, 2);
        check(memory, "used", usedRing, 6 + 8L * size, 4);
        this.memory = memory;
        this.eventIdx = eventIdx;
        this.nextAvail = 0;
        this.nextUsed = 0;
        this.signalledUsed = 0;
    }

    private static void check(GuestMemory memory, String ring, long address, long length, int alignment)
            throws VirtqueueException.RingOutsideMemory {
        if (address % alignment != 0 || !memory.contains(address, length)) {
            throw new VirtqueueException.RingOutsideMemory(ring, address, length);
        }
    }

    public boolean isActive() {
        return memory != null;
    }

    /**
     * Takes the next available chain, or returns {@code null} when the driver has made none available.
     * With event-idx, an empty queue publishes {@code avail_event} so the driver notifies on its next
     * buffer, then looks once more to close the race with a driver that added one meanwhile.
     */
    public DescriptorChain pop() throws VirtqueueException {
        requireActive();
        if (!hasAvailable()) {
            if (!eventIdx) {
                return null;
            }
            memory.writeU16(usedRing + 4 + 8L * size, nextAvail);
            VarHandle.fullFence();
            if (!hasAvailable()) {
                return null;
            }
        }
        VarHandle.acquireFence();
        int head = memory.readU16(availRing + 4 + 2L * (nextAvail % size));
        DescriptorChain chain = DescriptorChain.resolve(memory, descTable, size, head);
        nextAvail = (nextAvail + 1) & 0xffff;
        return chain;
    }

    private boolean hasAvailable() throws VirtqueueException.AvailIndexTooFarAhead {
        int availIdx = memory.readU16(availRing + 2);
        int pending = (availIdx - nextAvail) & 0xffff;
        if (pending > size) {
            throw new VirtqueueException.AvailIndexTooFarAhead(availIdx, nextAvail, size);
        }
        return pending != 0;
    }

    /** Returns chain {@code head} to the driver with {@code written} bytes written into its buffers. */
    public void addUsed(int head, long written) {
        requireActive();
        long element = usedRing + 4 + 8L * (nextUsed % size);
        memory.writeU32(element, head);
        memory.writeU32(element + 4, (int) written);
        nextUsed = (nextUsed + 1) & 0xffff;
        VarHandle.releaseFence();
        memory.writeU16(usedRing + 2, nextUsed);
    }

    /** Serves one descriptor chain and returns how many bytes it wrote into the chain's writable buffers. */
    @FunctionalInterface
    public interface ChainHandler {
        long serve(DescriptorChain chain) throws VirtioDeviceException;
    }

    /**
     * The device-side queue loop: pops every available chain, hands it to {@code handler}, puts it on
     * the used ring, and finally reports whether the driver wants an interrupt for what was used.
     */
    public boolean serveAvailable(ChainHandler handler) throws VirtioDeviceException {
        DescriptorChain chain;
        boolean used = false;
        while ((chain = pop()) != null) {
            addUsed(chain.head(), handler.serve(chain));
            used = true;
        }
        return used && needsNotification();
    }

    /**
     * Whether the driver wants an interrupt for the used buffers added since the last call that said
     * yes: with event-idx when {@code used.idx} has passed {@code used_event} (the spec's
     * {@code vring_need_event}), otherwise unless the driver set VRING_AVAIL_F_NO_INTERRUPT.
     */
    public boolean needsNotification() {
        requireActive();
        VarHandle.fullFence();
        if (!eventIdx) {
            return (memory.readU16(availRing) & AVAIL_F_NO_INTERRUPT) == 0;
        }
        int usedEvent = memory.readU16(availRing + 4 + 2L * size);
        int old = signalledUsed;
        int now = nextUsed;
        signalledUsed = now;
        return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
    }

    /**
     * What a snapshot keeps of a queue: the driver's configuration, and the device's place in the rings
     * (the next available entry it will take, the next used entry it will fill, and used.idx when it
     * last interrupted). The rings themselves are in guest memory.
     */
    public record State(int size, boolean ready, long descTable, long availRing, long usedRing, int nextAvail,
                        int nextUsed, int signalledUsed) {}

    public State state() {
        return new State(size, ready, descTable, availRing, usedRing, nextAvail, nextUsed, signalledUsed);
    }

    /**
     * Puts this queue (fresh, or reset) where {@code state} says. With {@code memory} (the device was live
     * at the snapshot and this queue ready) it is activated there too and goes on at the saved ring
     * positions: chains the driver made available before the snapshot and the device had not taken are
     * taken next.
     */
    public void restore(State state, GuestMemory memory, boolean eventIdx) throws VirtqueueException {
        reset();
        size = state.size();
        ready = state.ready();
        descTable = state.descTable();
        availRing = state.availRing();
        usedRing = state.usedRing();
        if (memory != null) {
            activate(memory, eventIdx);
            nextAvail = state.nextAvail() & 0xffff;
            nextUsed = state.nextUsed() & 0xffff;
            signalledUsed = state.signalledUsed() & 0xffff;
        }
    }

    /** The index of the next available-ring entry the device will take (for tests and diagnostics). */
    public int nextAvail() {
        return nextAvail;
    }

    private void requireActive() {
        if (memory == null) {
            throw new IllegalStateException("virtqueue used before activation");
        }
    }
}
