package dev.kapsel.acpi;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestAddress;

/**
 * Where one virtio-mmio transport sits, as the DSDT describes it to the guest: its register
 * window {@code [base, base+size)}, which must lie below 4 GiB, and the IOAPIC GSI it raises
 * (edge triggered, active high).
 */
public record VirtioMmioDevice(GuestAddress base, long size, int gsi) {
    public VirtioMmioDevice {
        if (size <= 0 || base.value() < 0 || base.value() > 0x1_0000_0000L - size) {
            throw new IllegalArgumentException(
                    String.format("virtio-mmio window %s+0x%x must be non-empty and below 4 GiB", base, size));
        }
        if (gsi < 0 || gsi >= Layout.IOAPIC_NUM_PINS) {
            throw new IllegalArgumentException(
                    "virtio-mmio GSI " + gsi + " is not an IOAPIC pin (0.." + (Layout.IOAPIC_NUM_PINS - 1) + ")");
        }
    }

    /** The window at {@code base} with the standard size {@link Layout#VIRTIO_MMIO_SIZE}. */
    public static VirtioMmioDevice at(long base, int gsi) {
        return new VirtioMmioDevice(GuestAddress.of(base), Layout.VIRTIO_MMIO_SIZE, gsi);
    }
}
