package dev.kapsel.virtio;

/**
 * A virtqueue the driver set up or filled against the rules of virtio 1.2, section 2.7. One subclass
 * per cause. Each ends the device's service ({@link DeviceStatus#DEVICE_NEEDS_RESET}); none is ever the
 * result of a device or host failure.
 */
public abstract sealed class VirtqueueException extends VirtioDeviceException
        permits VirtqueueException.BadQueueSize, VirtqueueException.RingOutsideMemory,
                VirtqueueException.AvailIndexTooFarAhead, VirtqueueException.DescriptorIndexOutOfRange,
                VirtqueueException.ChainTooLong, VirtqueueException.BufferOutsideMemory,
                VirtqueueException.BadIndirectTable, VirtqueueException.NestedIndirect,
                VirtqueueException.IndirectWithNext, VirtqueueException.ReadableAfterWritable {

    private VirtqueueException(String message) {
        super(message);
    }

    /** QueueNum is zero, above QueueNumMax or not a power of two. */
    public static final class BadQueueSize extends VirtqueueException {
        public BadQueueSize(int size, int max) {
            super("virtqueue size " + size + " is not a power of two in 1.." + max);
        }
    }

    /** The descriptor table, available or used ring is misaligned or not inside guest RAM. */
    public static final class RingOutsideMemory extends VirtqueueException {
        public RingOutsideMemory(String ring, long address, long length) {
            super(String.format("virtqueue %s ring [0x%x, +%d) is misaligned or outside guest RAM", ring, address, length));
        }
    }

    /** avail.idx claims more new buffers than the queue holds. */
    public static final class AvailIndexTooFarAhead extends VirtqueueException {
        public AvailIndexTooFarAhead(int availIdx, int nextAvail, int size) {
            super("virtqueue avail.idx " + availIdx + " is more than the queue size " + size
                    + " ahead of the next expected entry " + nextAvail);
        }
    }

    /** A head or next index points past the end of its descriptor table. */
    public static final class DescriptorIndexOutOfRange extends VirtqueueException {
        public DescriptorIndexOutOfRange(int index, int tableSize) {
            super("virtqueue descriptor index " + index + " is outside the table of " + tableSize);
        }
    }

    /** A chain is longer than its table allows: a loop, or a driver ignoring the queue size. */
    public static final class ChainTooLong extends VirtqueueException {
        public ChainTooLong(int limit) {
            super("virtqueue descriptor chain is longer than " + limit + " descriptors (a loop?)");
        }
    }

    /** A buffer is not wholly inside one guest RAM region. */
    public static final class BufferOutsideMemory extends VirtqueueException {
        public BufferOutsideMemory(long address, long length) {
            super(String.format("virtqueue buffer [0x%x, +%d) is outside guest RAM", address, length));
        }
    }

    /** An indirect table of zero length, a length that is not whole descriptors, too long, or outside RAM. */
    public static final class BadIndirectTable extends VirtqueueException {
        public BadIndirectTable(long address, long length, int maxEntries) {
            super(String.format("virtqueue indirect table [0x%x, +%d) is not 1..%d whole descriptors inside guest RAM",
                    address, length, maxEntries));
        }
    }

    /** An indirect table holds another indirect descriptor. */
    public static final class NestedIndirect extends VirtqueueException {
        public NestedIndirect() {
            super("virtqueue indirect table holds another indirect descriptor");
        }
    }

    /** A descriptor has both INDIRECT and NEXT set. */
    public static final class IndirectWithNext extends VirtqueueException {
        public IndirectWithNext() {
            super("virtqueue descriptor has both INDIRECT and NEXT set");
        }
    }

    /** A device-readable buffer follows a device-writable one in the same chain. */
    public static final class ReadableAfterWritable extends VirtqueueException {
        public ReadableAfterWritable() {
            super("virtqueue chain has a device-readable buffer after a device-writable one");
        }
    }
}
