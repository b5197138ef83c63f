package dev.kapsel.arch.x86;

import dev.kapsel.kvm.DescriptorTable;
import dev.kapsel.kvm.Segment;

/**
 * The parts of {@code struct kvm_sregs} the boot CPU needs set for a 64-bit entry: segment
 * registers, descriptor tables and control registers. Fields not here keep KVM's values.
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
}
