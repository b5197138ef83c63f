package dev.kapsel.boot;

import static dev.kapsel.boot.BootParamsLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The {@code struct setup_header} of a bzImage as found in the file: the raw bytes (from 0x1f1 to
 * the end the header announces), kept so the zero page can start from them, and the fields the
 * loader and boot code need, decoded.
 */
public record SetupHeader(
        byte[] raw,
        int version,
        int setupSects,
        int loadflags,
        int xloadflags,
        long initrdAddrMax,
        long kernelAlignment,
        boolean relocatable,
        int cmdlineSize,
        long prefAddress,
        long initSize) {

    public SetupHeader {
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** Decodes the header from the first bytes of a bzImage; the caller has checked the length. */
    static SetupHeader parse(byte[] rawFromSetupSects) {
        ByteBuffer b = ByteBuffer.wrap(rawFromSetupSects).order(ByteOrder.LITTLE_ENDIAN);
        int sects = u8(b, SETUP_SECTS);
        return new SetupHeader(
                rawFromSetupSects,
                u16(b, VERSION),
                sects == 0 ? DEFAULT_SETUP_SECTS : sects,
                u8(b, LOADFLAGS),
                u16(b, XLOADFLAGS),
                u32(b, INITRD_ADDR_MAX),
                u32(b, KERNEL_ALIGNMENT),
                u8(b, RELOCATABLE_KERNEL) != 0,
                (int) Math.min(Integer.MAX_VALUE, u32(b, CMDLINE_SIZE)),
                b.getLong(PREF_ADDRESS - SETUP_HEADER),
                u32(b, INIT_SIZE));
    }

    private static int u8(ByteBuffer b, int offset) {
        return Byte.toUnsignedInt(b.get(offset - SETUP_HEADER));
    }

    private static int u16(ByteBuffer b, int offset) {
        return Short.toUnsignedInt(b.getShort(offset - SETUP_HEADER));
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset - SETUP_HEADER));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SetupHeader h && Arrays.equals(raw, h.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return String.format("SetupHeader[version=%d.%02d, setupSects=%d, xloadflags=0x%x, initSize=0x%x]",
                version >> 8, version & 0xff, setupSects, xloadflags, initSize);
    }
}
