package dev.kapsel.devices.virtio.vsock;

import static dev.kapsel.memory.LittleEndian.U16;
import static dev.kapsel.memory.LittleEndian.U32;
import static dev.kapsel.memory.LittleEndian.U64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 44-byte {@code struct virtio_vsock_hdr} (virtio 1.2, section 5.10.6) that starts every vsock
 * packet, little-endian: {@code le64 src_cid, dst_cid; le32 src_port, dst_port, len; le16 type, op;
 * le32 flags, buf_alloc, fwd_cnt}. Read from the guest, every field is hostile; the ints hold the
 * unsigned 32-bit values as they are.
 */
public record VsockHeader(long srcCid, long dstCid, int srcPort, int dstPort, int len, int type, int op,
                          int flags, int bufAlloc, int fwdCnt) {
    public static final int SIZE = 44;

    /** The only socket type without VIRTIO_VSOCK_F_SEQPACKET. */
    public static final int TYPE_STREAM = 1;

    public static final int OP_REQUEST = 1;
    public static final int OP_RESPONSE = 2;
    public static final int OP_RST = 3;
    public static final int OP_SHUTDOWN = 4;
    public static final int OP_RW = 5;
    public static final int OP_CREDIT_UPDATE = 6;
    public static final int OP_CREDIT_REQUEST = 7;

    /** SHUTDOWN flags: the sender will receive no more, send no more. */
    public static final int SHUTDOWN_RCV = 1;
    public static final int SHUTDOWN_SEND = 2;


    /** Decodes the first {@link #SIZE} bytes of {@code from}. */
    public static VsockHeader decode(MemorySegment from) {
        return new VsockHeader(from.get(U64, 0), from.get(U64, 8), from.get(U32, 16), from.get(U32, 20),
                from.get(U32, 24), Short.toUnsignedInt(from.get(U16, 28)), Short.toUnsignedInt(from.get(U16, 30)),
                from.get(U32, 32), from.get(U32, 36), from.get(U32, 40));
    }

    /** Encodes into the first {@link #SIZE} bytes of {@code to}. */
    public void encode(MemorySegment to) {
        to.set(U64, 0, srcCid);
        to.set(U64, 8, dstCid);
        to.set(U32, 16, srcPort);
        to.set(U32, 20, dstPort);
        to.set(U32, 24, len);
        to.set(U16, 28, (short) type);
        to.set(U16, 30, (short) op);
        to.set(U32, 32, flags);
        to.set(U32, 36, bufAlloc);
        to.set(U32, 40, fwdCnt);
    }

    /** The payload length as the unsigned value it is. */
    public long payloadLength() {
        return Integer.toUnsignedLong(len);
    }
}
