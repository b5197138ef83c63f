package dev.kapsel.acpi;

/** The Extended System Description Table, signature {@code XSDT} (ACPI 6.5, 5.2.8): 64-bit pointers to the other tables. */
public final class Xsdt {
    public static final String SIGNATURE = "XSDT";
    public static final int REVISION = 1;

    private Xsdt() {}

    public static byte[] build(long... tableAddresses) {
        LittleEndianBytes b = new LittleEndianBytes();
        for (long address : tableAddresses) {
            b.u64(address);
        }
        return SdtHeader.table(SIGNATURE, REVISION, "KPSLXSDT", b.toByteArray());
    }
}
