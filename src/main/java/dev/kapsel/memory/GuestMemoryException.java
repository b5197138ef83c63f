package dev.kapsel.memory;

/** A guest-physical access that falls outside guest RAM. Thrown instead of ever touching host memory. */
public final class GuestMemoryException extends RuntimeException {
    private final long address;
    private final long length;

    public GuestMemoryException(long address, long length) {
        super(String.format("guest memory access out of range: [0x%x, +%d)", address, length));
        this.address = address;
        this.length = length;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }
}
