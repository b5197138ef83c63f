package dev.kapsel.vmm;

import dev.kapsel.acpi.VirtioMmioDevice;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code virtio_mmio.device=SIZE@BASE:IRQ} command-line stanzas Linux's virtio_mmio driver
 * parses (Documentation/admin-guide/kernel-parameters.txt) and unikernels that do not read ACPI
 * (Unikraft, OSv) take from the command line: one per attached device, in attach order.
 */
final class VirtioMmioStanzas {
    private VirtioMmioStanzas() {}

    static String of(List<VirtioMmioDevice> devices) {
        return devices.stream().map(VirtioMmioStanzas::stanza).collect(Collectors.joining(" "));
    }

    static String stanza(VirtioMmioDevice device) {
        long size = device.size();
        String sizeText = size % 1024 == 0 ? (size / 1024) + "K" : Long.toString(size);
        return String.format("virtio_mmio.device=%s@0x%x:%d", sizeText, device.base().value(), device.gsi());
    }
}
