package dev.kapsel.vmm;

import dev.kapsel.arch.x86.BootCpuState;
import dev.kapsel.kvm.CpuidEntry;
import dev.kapsel.arch.x86.GeneralRegisters;
import dev.kapsel.arch.x86.LocalApic;
import dev.kapsel.arch.x86.LongModeRegisters;
import dev.kapsel.kvm.Regs;
import dev.kapsel.kvm.SpecialRegisters;
import dev.kapsel.kvm.VcpuFd;
import java.util.List;

/**
 * Loads the x86 boot state into one vCPU: CPUID, MSRs, FPU, local APIC LINT pins, and the 64-bit
 * entry registers. Application processors get the same state; the in-kernel LAPIC holds them until
 * the boot CPU sends INIT/SIPI, which resets them into real mode at the SIPI vector.
 */
final class VcpuSetup {
    private VcpuSetup() {}

    static void configure(VcpuFd vcpu, List<CpuidEntry> cpuid, BootCpuState boot) {
        vcpu.setCpuid(cpuid);
        vcpu.setMsrs(boot.msrs());
        vcpu.setFpu(boot.fpu().fcw(), boot.fpu().mxcsr());
        byte[] lapic = vcpu.getLapic();
        LocalApic.configureLint(lapic);
        vcpu.setLapic(lapic);
        vcpu.setSregs(longMode(vcpu.getSregs(), boot.sregs()));
        vcpu.setRegs(general(boot.regs()));
    }

    static SpecialRegisters longMode(SpecialRegisters current, LongModeRegisters boot) {
        SpecialRegisters.Builder b = current.toBuilder();
        b.cs = boot.cs();
        b.ds = boot.ds();
        b.es = boot.es();
        b.fs = boot.fs();
        b.gs = boot.gs();
        b.ss = boot.ss();
        b.tr = boot.tr();
        b.gdt = boot.gdt();
        b.idt = boot.idt();
        b.cr0 = boot.cr0();
        b.cr3 = boot.cr3();
        b.cr4 = boot.cr4();
        b.efer = boot.efer();
        return b.build();
    }

    static Regs general(GeneralRegisters g) {
        return new Regs(g.rax(), g.rbx(), 0, 0, g.rsi(), 0, g.rsp(), g.rbp(), 0, 0, 0, 0, 0, 0, 0, 0, g.rip(), g.rflags());
    }
}
