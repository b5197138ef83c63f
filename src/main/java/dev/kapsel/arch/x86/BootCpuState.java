package dev.kapsel.arch.x86;

import dev.kapsel.kvm.MsrEntry;
import dev.kapsel.memory.GuestMemory;
import java.util.List;

/**
 * Everything the VMM loads into the boot vCPU for the Linux 64-bit boot protocol (or a 32-bit entry): general and
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

    /**
     * Writes the 32-bit GDT and returns the state for entering 32-bit protected mode (paging off) at
     * {@code entry} with {@code eax} and {@code ebx} set: the PVH and multiboot entries.
     */
    public static BootCpuState prepareProtectedMode(GuestMemory memory, long entry, long eax, long ebx) {
        Gdt.writeProtectedMode(memory);
        return new BootCpuState(GeneralRegisters.protectedModeCpu(entry, eax, ebx), LongModeRegisters.protectedModeBoot(),
                BootMsrs.entries(), FpuState.boot());
    }
}
