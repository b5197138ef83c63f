package dev.kapsel.virtio;

import dev.kapsel.memory.GuestMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * A descriptor chain taken from the available ring, resolved into its buffers: the device-readable
 * ones first, then the device-writable ones (virtio 1.2, 2.7.4.2). Indirect tables are followed one
 * level deep. {@link #head} is what goes back in the used ring.
 *
 * <p>Resolution is where the guest's descriptors are checked: every index against its table, every
 * buffer and indirect table against guest RAM, and the number of descriptors visited against the
 * table size, so a looping chain ends with {@link VirtqueueException.ChainTooLong}. Zero-length
 * descriptors (virtio allows them, at any address) are left out of {@link #buffers}, so no device
 * ever maps one (the rng and balloon fuzz targets each found a device failing on one).
 */
public record DescriptorChain(int head, List<Buffer> buffers) {
    public DescriptorChain {
        buffers = List.copyOf(buffers);
    }

    /** The device-readable buffers, in order. */
    public List<Buffer> readable() {
        return buffers.stream().filter(b -> !b.writable()).toList();
    }

    /** The device-writable buffers, in order. */
    public List<Buffer> writable() {
        return buffers.stream().filter(Buffer::writable).toList();
    }

    /** Total bytes the device may write. */
    public long writableLength() {
        long total = 0;
        for (Buffer b : buffers) {
            if (b.writable()) {
                total += b.length();
            }
        }
        return total;
    }

    /**
     * Walks the chain starting at descriptor {@code head} of the table at {@code table}.
     *
     * @param size entries in the table (the queue size); also the longest chain, and the most entries
     *             an indirect table may have
     */
    public static DescriptorChain resolve(GuestMemory memory, long table, int size, int head)
            throws VirtqueueException {
        if (head < 0 || head >= size) {
            throw new VirtqueueException.DescriptorIndexOutOfRange(head, size);
        }
        List<Buffer> buffers = new ArrayList<>();
        long currentTable = table;
        int tableSize = size;
        boolean inIndirect = false;
        int index = head;
        int visited = 0;
        boolean sawWritable = false;
        while (true) {
            if (++visited > tableSize) {
                throw new VirtqueueException.ChainTooLong(tableSize);
            }
            VirtqDescriptor d = read(memory, currentTable, index);
            if (d.isIndirect()) {
                if (inIndirect) {
                    throw new VirtqueueException.NestedIndirect();
                }
                if (d.hasNext()) {
                    throw new VirtqueueException.IndirectWithNext();
                }
                long length = d.unsignedLength();
                if (length == 0 || length % VirtqDescriptor.SIZE != 0 || length / VirtqDescriptor.SIZE > size
                        || !memory.contains(d.address(), length)) {
                    throw new VirtqueueException.BadIndirectTable(d.address(), length, size);
                }
                currentTable = d.address();
                tableSize = (int) (length / VirtqDescriptor.SIZE);
                inIndirect = true;
                index = 0;
                visited = 0;
                continue;
            }
            long length = d.unsignedLength();
            if (length > 0 && !memory.contains(d.address(), length)) {
                throw new VirtqueueException.BufferOutsideMemory(d.address(), length);
            }
            if (d.isWritable()) {
                sawWritable = true;
            } else if (sawWritable) {
                throw new VirtqueueException.ReadableAfterWritable();
            }
            if (length > 0) {
                buffers.add(new Buffer(d.address(), length, d.isWritable()));   // a zero-length buffer names no guest byte, at whatever address
            }
            if (!d.hasNext()) {
                return new DescriptorChain(head, buffers);
            }
            index = d.next();
            if (index >= tableSize) {
                throw new VirtqueueException.DescriptorIndexOutOfRange(index, tableSize);
            }
        }
    }

    private static VirtqDescriptor read(GuestMemory memory, long table, int index) {
        long at = table + (long) index * VirtqDescriptor.SIZE;
        return new VirtqDescriptor(memory.readU64(at), memory.readU32(at + 8), memory.readU16(at + 12), memory.readU16(at + 14));
    }
}
