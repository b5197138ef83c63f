package dev.kapsel.vmm;

import dev.kapsel.boot.BootProtocol;
import java.util.Optional;

/**
 * How {@link VmBuilder} enters the guest kernel of a {@link VmConfig}.
 *
 * @param protocol           the boot protocol to use; empty detects it from the kernel file
 *                           ({@link BootProtocol#detect})
 * @param virtioMmioCmdline  whether to append one {@code virtio_mmio.device=SIZE@ADDR:IRQ} stanza per
 *                           virtio device to the command line, for kernels that do not read the DSDT
 */
public record BootOptions(Optional<BootProtocol> protocol, boolean virtioMmioCmdline) {
    /** Detect the protocol, describe the devices in ACPI only. */
    public static final BootOptions DETECT = new BootOptions(Optional.empty(), false);
}
