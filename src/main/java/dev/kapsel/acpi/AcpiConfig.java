package dev.kapsel.acpi;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.kapsel.arch.x86.Layout;

/**
 * What the ACPI tables describe: the number of vCPUs and the virtio-mmio devices, in the order
 * they become {@code \_SB.V000}, {@code V001}, ... The fixed legacy devices (COM1, i8042) are
 * always present. GSIs must be distinct and must not be the legacy IRQs of COM1 or the i8042.
 */
public record AcpiConfig(int vcpus, List<VirtioMmioDevice> virtioDevices) {
    public AcpiConfig {
        if (vcpus < 1 || vcpus > Madt.MAX_VCPUS) {
            throw new IllegalArgumentException("vCPU count " + vcpus + " is outside 1.." + Madt.MAX_VCPUS);
        }
        virtioDevices = List.copyOf(virtioDevices);
        Set<Integer> gsis = new HashSet<>(Set.of(Layout.IRQ_COM1, Layout.IRQ_KEYBOARD));
        for (VirtioMmioDevice d : virtioDevices) {
            if (!gsis.add(d.gsi())) {
                throw new IllegalArgumentException("virtio-mmio GSI " + d.gsi() + " is already in use");
            }
        }
    }

    public AcpiConfig(int vcpus) {
        this(vcpus, List.of());
    }
}
