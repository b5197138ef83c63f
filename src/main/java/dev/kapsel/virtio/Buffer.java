package dev.kapsel.virtio;

/**
 * One guest buffer of a descriptor chain, already checked to lie inside one guest RAM region.
 *
 * @param address  guest-physical start
 * @param length   bytes, 0..2^32-1
 * @param writable device-writable (the device fills it) or device-readable (the driver filled it)
 */
public record Buffer(long address, long length, boolean writable) {}
