package dev.kapsel.bus;

/**
 * A device on a port-I/O or MMIO bus. It sees only the offset from the base address it was
 * registered at, never the absolute address. {@code data} has the access width (1, 2, 4 or 8 bytes),
 * little-endian; a read fills it, a write supplies it.
 */
public interface BusDevice {
    void read(long offset, byte[] data);

    void write(long offset, byte[] data);
}
