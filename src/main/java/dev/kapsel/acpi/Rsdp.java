package dev.kapsel.acpi;

/**
 * The Root System Description Pointer (ACPI 6.5, 5.2.5.3), revision 2: 36 bytes with a checksum
 * over the first 20 (the ACPI 1.0 part) and an extended checksum over all 36. It points at the
 * XSDT only; the 32-bit RSDT address is 0.
 */
public final class Rsdp {
    public static final String SIGNATURE = "RSD PTR ";
    public static final int REVISION = 2;
    public static final int LENGTH = 36;
    /** Bytes covered by the first checksum. */
    public static final int V1_LENGTH = 20;
    static final int CHECKSUM_OFFSET = 8;
    static final int EXTENDED_CHECKSUM_OFFSET = 32;
    static final int XSDT_ADDRESS_OFFSET = 24;

    private Rsdp() {}

    public static byte[] build(long xsdtAddress) {
        byte[] rsdp = new LittleEndianBytes()
                .ascii(SIGNATURE, 8, ' ')
                .u8(0) // checksum
                .ascii(SdtHeader.OEM_ID, 6, ' ')
                .u8(REVISION)
                .u32(0) // RsdtAddress
                .u32(LENGTH)
                .u64(xsdtAddress)
                .u8(0) // extended checksum
                .zeros(3)
                .toByteArray();
        Checksum.fill(rsdp, 0, V1_LENGTH, CHECKSUM_OFFSET);
        Checksum.fill(rsdp, 0, LENGTH, EXTENDED_CHECKSUM_OFFSET);
        return rsdp;
    }
}
