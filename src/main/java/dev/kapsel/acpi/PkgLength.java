package dev.kapsel.acpi;

/**
 * The AML PkgLength encoding (ACPI 6.5, 20.2.4): the length of a package, counting the PkgLength
 * bytes themselves, in one to four bytes. One byte holds lengths up to 63 in bits 0-5; longer
 * lengths put the count of following bytes in bits 6-7 of the lead byte, the low nibble in its
 * bits 0-3 and the rest, eight bits at a time, in the following bytes.
 */
public final class PkgLength {
    /** Largest length the four-byte form can hold. */
    public static final int MAX = (1 << 28) - 1;

    private PkgLength() {}

    /** Encodes {@code length}, which already includes the PkgLength bytes. */
    public static byte[] encode(int length) {
        if (length < 0 || length > MAX) {
            throw new IllegalArgumentException("AML package length " + length + " is outside 0.." + MAX);
        }
        if (length <= 0x3f) {
            return new byte[] {(byte) length};
        }
        int following = length < (1 << 12) ? 1 : length < (1 << 20) ? 2 : 3;
        byte[] out = new byte[following + 1];
        out[0] = (byte) ((following << 6) | (length & 0x0f));
        for (int i = 1; i <= following; i++) {
            out[i] = (byte) (length >>> (4 + 8 * (i - 1)));
        }
        return out;
    }

    /**
     * Prefixes {@code content} with the PkgLength that covers it, choosing the shortest form that
     * can hold the content plus the PkgLength bytes themselves.
     */
    public static byte[] wrap(byte[] content) {
        int size = 1;
        while (size < 4 && content.length + size > maxFor(size)) {
            size++;
        }
        long total = (long) content.length + size;
        if (total > MAX) {
            throw new IllegalArgumentException("AML package of " + content.length + " bytes is too long for a PkgLength");
        }
        byte[] header = encode((int) total);
        return new LittleEndianBytes().bytes(header).bytes(content).toByteArray();
    }

    private static int maxFor(int bytes) {
        return switch (bytes) {
            case 1 -> 0x3f;
            case 2 -> (1 << 12) - 1;
            case 3 -> (1 << 20) - 1;
            default -> MAX;
        };
    }
}
