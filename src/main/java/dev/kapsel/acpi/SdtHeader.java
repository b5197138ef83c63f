package dev.kapsel.acpi;

/**
 * The 36-byte System Description Table header every ACPI table but the RSDP starts with (ACPI
 * 6.5, 5.2.6): signature, length, revision, checksum, OEM id, OEM table id, OEM revision, creator
 * id and creator revision. {@link #table} prepends it to a table body and sets the checksum so
 * the whole table sums to zero.
 */
public final class SdtHeader {
    public static final int LENGTH = 36;
    /** Offset of the checksum byte in the header. */
    public static final int CHECKSUM_OFFSET = 9;
    public static final String OEM_ID = "KAPSEL";
    public static final int OEM_REVISION = 1;
    public static final String CREATOR_ID = "KPSL";
    public static final int CREATOR_REVISION = 1;

    private SdtHeader() {}

    /**
     * A complete table: header and {@code body}.
     *
     * @param signature four ASCII characters, e.g. {@code "FACP"}
     * @param oemTableId up to eight ASCII characters, space padded
     */
    public static byte[] table(String signature, int revision, String oemTableId, byte[] body) {
        if (signature.length() != 4) {
            throw new IllegalArgumentException("ACPI table signature '" + signature + "' must be 4 characters");
        }
        byte[] table = new LittleEndianBytes()
                .ascii(signature, 4, ' ')
                .u32(LENGTH + body.length)
                .u8(revision)
                .u8(0) // checksum, filled below
                .ascii(OEM_ID, 6, ' ')
                .ascii(oemTableId, 8, ' ')
                .u32(OEM_REVISION)
                .ascii(CREATOR_ID, 4, ' ')
                .u32(CREATOR_REVISION)
                .bytes(body)
                .toByteArray();
        Checksum.fill(table, 0, table.length, CHECKSUM_OFFSET);
        return table;
    }
}
