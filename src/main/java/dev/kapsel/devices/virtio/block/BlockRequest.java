package dev.kapsel.devices.virtio.block;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.Buffer;
import dev.kapsel.virtio.DescriptorChain;
import java.util.List;

/**
 * One virtio-blk request (virtio 1.2, section 5.2.6) framed as Linux and Firecracker frame it: a
 * device-readable header buffer ({@code le32 type; le32 reserved; le64 sector}), the data buffers,
 * and a device-writable buffer whose last byte receives the status.
 *
 * @param statusAddress guest address of the status byte, or -1 when the chain has nowhere to put it
 */
public record BlockRequest(int type, long sector, List<Buffer> data, long statusAddress) {
    public static final int HEADER_SIZE = 16;

    public static final int T_IN = 0;
    public static final int T_OUT = 1;
    public static final int T_FLUSH = 4;
    public static final int T_GET_ID = 8;

    public static final int S_OK = 0;
    public static final int S_IOERR = 1;
    public static final int S_UNSUPP = 2;

    /** Total bytes of the data buffers. */
    public long dataLength() {
        long total = 0;
        for (Buffer b : data) {
            total += b.length();
        }
        return total;
    }

    /** The status-byte address alone: where to answer even if the rest of the chain is malformed. */
    public static long statusAddress(DescriptorChain chain) {
        List<Buffer> buffers = chain.buffers();
        if (buffers.size() < 2) {
            return -1;
        }
        Buffer last = buffers.getLast();
        return last.writable() && last.length() >= 1 ? last.address() + last.length() - 1 : -1;
    }

    /** Reads the header and splits the chain; the buffers are already checked against guest RAM. */
    public static BlockRequest parse(GuestMemory memory, DescriptorChain chain) throws BlockRequestException {
        List<Buffer> buffers = chain.buffers();
        long status = statusAddress(chain);
        Buffer header = buffers.getFirst();
        if (status < 0 || header.writable() || header.length() < HEADER_SIZE) {
            throw new BlockRequestException.MissingHeader();
        }
        int type = memory.readU32(header.address());
        long sector = memory.readU64(header.address() + 8);
        return new BlockRequest(type, sector, buffers.subList(1, buffers.size() - 1), status);
    }
}
