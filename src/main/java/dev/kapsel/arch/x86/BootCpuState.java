package dev.kapsel.arch.x86;

import dev.kapsel.kvm.MsrEntry;
import dev.kapsel.memory.GuestMemory;
import java.util.List;

/**
 * Everything the VMM loads into the boot vCPU for the Linux 64-bit boot protocol: general and
 * special registers, boot MSRs and FPU control values. {@link #prepare} also writes the page tables,
 * GDT and IDT the registers point at.
 */
public record BootCpuState(GeneralRegisters regs, LongModeRegisters sregs, List<MsrEntry> msrs, FpuState fpu) {

    /** Writes page tables, GDT and IDT into guest memory and returns the state for entering at {@code entry}. */
    public static BootCpuState prepare(GuestMemory memory, long entry) {
        PageTables.writeIdentityMap(memory);
        Gdt.write(memory);
        return new BootCpuState(GeneralRegisters.bootCpu(entry), LongModeRegisters.longModeBoot(), BootMsrs.entries(),
                FpuState.boot());
    }
}
