package dev.kapsel.vmm.snapshot;

import dev.kapsel.kvm.CpuidEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Whether a snapshot's guest can run on this host: every CPU feature bit its vCPU 0 was given in the
 * feature leaves (1, 7.0, 7.1, 0xd.1, 0x80000001, 0x80000007, 0x80000008 EBX) must be one this host's
 * KVM offers (KVM_GET_SUPPORTED_CPUID). A guest that found AVX-512 at boot and lands on a host without
 * it would fault on its next AVX-512 instruction, long after the restore "worked". Bits that reflect
 * the guest's own control registers (OSXSAVE, OSPKE) or that KVM sets beside its supported list
 * (TSC-deadline, hypervisor) are left out.
 */
final class CpuFeatureCheck {
    private CpuFeatureCheck() {}

    private record Register(int function, int index, String name, ToIntFunction<CpuidEntry> get, int ignored) {}

    private static final int LEAF1_ECX_TSC_DEADLINE = 1 << 24;
    private static final int LEAF1_ECX_OSXSAVE = 1 << 27;
    private static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
    private static final int LEAF7_ECX_OSPKE = 1 << 4;

    private static final List<Register> FEATURES = List.of(
            new Register(1, 0, "ECX", CpuidEntry::ecx, LEAF1_ECX_TSC_DEADLINE | LEAF1_ECX_OSXSAVE | LEAF1_ECX_HYPERVISOR),
            new Register(1, 0, "EDX", CpuidEntry::edx, 0),
            new Register(7, 0, "EBX", CpuidEntry::ebx, 0),
            new Register(7, 0, "ECX", CpuidEntry::ecx, LEAF7_ECX_OSPKE),
            new Register(7, 0, "EDX", CpuidEntry::edx, 0),
            new Register(7, 1, "EAX", CpuidEntry::eax, 0),
            new Register(0xd, 1, "EAX", CpuidEntry::eax, 0),
            new Register(0x8000_0001, 0, "ECX", CpuidEntry::ecx, 0),
            new Register(0x8000_0001, 0, "EDX", CpuidEntry::edx, 0),
            new Register(0x8000_0007, 0, "EDX", CpuidEntry::edx, 0),
            new Register(0x8000_0008, 0, "EBX", CpuidEntry::ebx, 0));

    /** The features {@code guest} has and {@code host} lacks, one "CPUID.(leaf.sub).REG bits 0x..." each; empty if it fits. */
    static List<String> missing(List<CpuidEntry> guest, List<CpuidEntry> host) {
        List<String> out = new ArrayList<>();
        for (Register r : FEATURES) {
            int wanted = bits(guest, r) & ~r.ignored();
            int lacking = wanted & ~bits(host, r);
            if (lacking != 0) {
                out.add(String.format("CPUID.(0x%x.%d).%s bits 0x%08x", r.function(), r.index(), r.name(), lacking));
            }
        }
        return out;
    }

    private static int bits(List<CpuidEntry> entries, Register r) {
        for (CpuidEntry e : entries) {
            if (e.function() == r.function() && (e.index() == r.index() || !significantIndex(e))) {
                return r.get().applyAsInt(e);
            }
        }
        return 0;
    }

    /** KVM_CPUID_FLAG_SIGNIFCANT_INDEX: the entry is one subleaf; without it the index does not matter. */
    private static boolean significantIndex(CpuidEntry e) {
        return (e.flags() & 1) != 0;
    }
}
