package dev.kapsel.acpi;

/** The ACPI checksum: a byte chosen so that a structure's bytes sum to zero modulo 256. */
final class Checksum {
    private Checksum() {}

    /** Sum of {@code data[from, to)} modulo 256. */
    static int sum(byte[] data, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += data[i];
        }
        return sum & 0xff;
    }

    /** Stores at {@code data[at]} the byte that makes {@code data[from, to)} sum to zero. */
    static void fill(byte[] data, int from, int to, int at) {
        data[at] = 0;
        data[at] = (byte) -sum(data, from, to);
    }
}
