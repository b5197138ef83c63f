package dev.kapsel.arch.x86;

import dev.kapsel.kvm.DescriptorTable;
import dev.kapsel.kvm.Segment;

/**
 * The parts of {@code struct kvm_sregs} the boot CPU needs set for its entry: segment registers,
 * descriptor tables and control registers. Fields not here keep KVM's values. Named for the 64-bit
 * entry of Linux; {@link #protectedModeBoot} gives the same parts for a 32-bit entry with paging off.
 */
public record LongModeRegisters(Segment cs, Segment ds, Segment es, Segment fs, Segment gs, Segment ss, Segment tr,
        DescriptorTable gdt, DescriptorTable idt, long cr0, long cr3, long cr4, long efer) {

    /** Long mode with paging on the identity map, flat segments from the boot GDT. */
    public static LongModeRegisters longModeBoot() {
        Segment code = Gdt.segment(Gdt.CODE_INDEX);
        Segment data = Gdt.segment(Gdt.DATA_INDEX);
        return new LongModeRegisters(code, data, data, data, data, data, Gdt.segment(Gdt.TSS_INDEX),
                Gdt.gdtRegister(), Gdt.idtRegister(),
                ControlRegisters.CR0_PE | ControlRegisters.CR0_ET | ControlRegisters.CR0_PG, Layout.PML4,
                ControlRegisters.CR4_PAE, ControlRegisters.EFER_LME | ControlRegisters.EFER_LMA);
    }

    /**
     * 32-bit protected mode with paging off, flat 4 GiB code and data segments from the GDT
     * {@link Gdt#writeProtectedMode} writes and a busy 32-bit TSS: the entry state of Xen PVH and of
     * Multiboot. EFER, CR3 and CR4 are zero.
     */
    public static LongModeRegisters protectedModeBoot() {
        long[] table = Gdt.protectedModeTable();
        Segment code = Segment.fromGdtEntry(table[Gdt.CODE_INDEX], Gdt.CODE_INDEX);
        Segment data = Segment.fromGdtEntry(table[Gdt.DATA_INDEX], Gdt.DATA_INDEX);
        return new LongModeRegisters(code, data, data, data, data, data,
                Segment.fromGdtEntry(table[Gdt.TSS_INDEX], Gdt.TSS_INDEX), Gdt.gdtRegister(), Gdt.idtRegister(),
                ControlRegisters.CR0_PE | ControlRegisters.CR0_ET, 0, 0, 0);
    }
}
