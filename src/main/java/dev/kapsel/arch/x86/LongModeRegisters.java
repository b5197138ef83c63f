package dev.kapsel.arch.x86;

import dev.kapsel.kvm.DescriptorTable;
import dev.kapsel.kvm.Segment;

/**
 * The parts of {@code struct kvm_sregs} the boot CPU needs set for a 64-bit entry: segment
 * registers, descriptor tables and control registers. Fields not here keep KVM's values.
 */
public record LongModeRegisters(Segment cs, Segment ds, Segment es, Segment fs, Segment gs, Segment ss, Segment tr,
        DescriptorTable gdt, DescriptorTable idt, long cr0, long cr3, long cr4, long efer) {

    public static final long CR0_PE = 1;
    public static final long CR0_ET = 1 << 4;
    public static final long CR0_PG = 1L << 31;
    public static final long CR4_PAE = 1 << 5;
    public static final long EFER_LME = 1 << 8;
    public static final long EFER_LMA = 1 << 10;

    /** Long mode with paging on the identity map, flat segments from the boot GDT. */
    public static LongModeRegisters longModeBoot() {
        Segment code = Gdt.segment(Gdt.CODE_INDEX);
        Segment data = Gdt.segment(Gdt.DATA_INDEX);
        return new LongModeRegisters(code, data, data, data, data, data, Gdt.segment(Gdt.TSS_INDEX),
                Gdt.gdtRegister(), Gdt.idtRegister(),
                CR0_PE | CR0_ET | CR0_PG, Layout.PML4, CR4_PAE, EFER_LME | EFER_LMA);
    }
}
