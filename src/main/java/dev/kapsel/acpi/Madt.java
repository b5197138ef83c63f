package dev.kapsel.acpi;

import dev.kapsel.arch.x86.Layout;

/**
 * The Multiple APIC Description Table, signature {@code APIC} (ACPI 6.5, 5.2.12): the local APIC
 * address, one Processor Local APIC structure per vCPU (processor UID = APIC id = vCPU index,
 * enabled) and one I/O APIC (id = vCPU count, GSI base 0). No interrupt source overrides: ISA
 * IRQs map one to one onto IOAPIC pins, edge triggered, active high.
 */
public final class Madt {
    public static final String SIGNATURE = "APIC";
    public static final int REVISION = 5;
    /** Largest vCPU count: APIC ids are 8 bits, 0xff is broadcast, and the IOAPIC takes the next id. */
    public static final int MAX_VCPUS = 254;

    static final int TYPE_LOCAL_APIC = 0;
    static final int TYPE_IO_APIC = 1;
    static final int LOCAL_APIC_LENGTH = 8;
    static final int IO_APIC_LENGTH = 12;
    static final int LOCAL_APIC_ENABLED = 1;
    /** Offset of the first interrupt controller structure. */
    static final int STRUCTURES_OFFSET = 44;

    private Madt() {}

    public static byte[] build(int vcpus) {
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("MADT needs 1 to " + MAX_VCPUS + " vCPUs, not " + vcpus);
        }
        LittleEndianBytes b = new LittleEndianBytes();
        b.u32(Layout.LAPIC_ADDR); // 36 Local Interrupt Controller Address
        b.u32(0); // 40 Flags: no dual 8259 (hardware-reduced, no legacy PIC)
        for (int cpu = 0; cpu < vcpus; cpu++) {
            b.u8(TYPE_LOCAL_APIC).u8(LOCAL_APIC_LENGTH).u8(cpu).u8(cpu).u32(LOCAL_APIC_ENABLED);
        }
        b.u8(TYPE_IO_APIC).u8(IO_APIC_LENGTH).u8(vcpus).u8(0).u32(Layout.IOAPIC_ADDR).u32(0);
        return SdtHeader.table(SIGNATURE, REVISION, "KPSLAPIC", b.toByteArray());
    }
}
