package dev.kapsel.acpi;

/**
 * A Generic Address Structure (ACPI 6.5, 5.2.3.2): 12 bytes naming a register by address space,
 * bit width, bit offset, access size and address. Used by the FADT for the reset and sleep
 * registers.
 */
public record GenericAddress(int addressSpaceId, int bitWidth, int bitOffset, int accessSize, long address) {
    public static final int LENGTH = 12;
    public static final int SYSTEM_MEMORY = 0;
    public static final int SYSTEM_IO = 1;
    /** Access size code for byte access. */
    public static final int ACCESS_BYTE = 1;

    /** The all-zero structure: register not present. */
    public static final GenericAddress NONE = new GenericAddress(0, 0, 0, 0, 0);

    /** An 8-bit register at I/O {@code port}, accessed as a byte. */
    public static GenericAddress ioPortByte(int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException(String.format("I/O port 0x%x is outside 0..0xffff", port));
        }
        return new GenericAddress(SYSTEM_IO, 8, 0, ACCESS_BYTE, port);
    }

    void writeTo(LittleEndianBytes out) {
        out.u8(addressSpaceId).u8(bitWidth).u8(bitOffset).u8(accessSize).u64(address);
    }
}
