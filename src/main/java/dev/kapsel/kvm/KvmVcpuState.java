package dev.kapsel.kvm;

import java.util.List;

/**
 * Everything KVM holds for one vCPU that a snapshot must carry, as Firecracker's {@code VcpuState}:
 * MP state, general and special registers, the XSAVE area, XCRs, debug registers, the local APIC page,
 * the TSC frequency (0 where KVM cannot say), the MSRs KVM lists as saveable (with their values), the
 * pending events, and the CPUID the vCPU was given. The byte arrays are the kernel's structures.
 * Saved by {@link VcpuFd#saveState}, loaded by {@link VcpuFd#restoreState}.
 */
public record KvmVcpuState(int mpState, Regs regs, SpecialRegisters sregs, byte[] xsave, byte[] xcrs, byte[] debugRegs,
                           byte[] lapic, int tscKhz, List<MsrEntry> msrs, byte[] events, List<CpuidEntry> cpuid) {
    public KvmVcpuState {
        msrs = List.copyOf(msrs);
        cpuid = List.copyOf(cpuid);
    }
}
