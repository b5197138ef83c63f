package dev.kapsel.vmm.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.kvm.CpuidEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuFeatureCheckTest {
    private static final int AVX2 = 1 << 5; // CPUID.(7.0).EBX
    private static final int SSE42 = 1 << 20; // CPUID.1.ECX
    private static final int OSXSAVE = 1 << 27;

    private static List<CpuidEntry> cpu(int leaf1Ecx, int leaf7Ebx) {
        return List.of(new CpuidEntry(1, 0, 0, 0, 0, leaf1Ecx, 0), new CpuidEntry(7, 0, 1, 0, leaf7Ebx, 0, 0));
    }

    @Test
    void aGuestWithFewerFeaturesFits() {
        assertEquals(List.of(), CpuFeatureCheck.missing(cpu(SSE42, 0), cpu(SSE42, AVX2)));
    }

    @Test
    void aFeatureTheHostLacksIsNamedByLeafRegisterAndBit() {
        assertEquals(List.of("CPUID.(0x7.0).EBX bits 0x00000020"), CpuFeatureCheck.missing(cpu(SSE42, AVX2), cpu(SSE42, 0)));
        assertEquals(List.of("CPUID.(0x1.0).ECX bits 0x00100000"), CpuFeatureCheck.missing(cpu(SSE42, 0), cpu(0, 0)));
    }

    @Test
    void bitsTheGuestsOwnControlRegistersSetAreNotFeatures() {
        assertEquals(List.of(), CpuFeatureCheck.missing(cpu(OSXSAVE, 0), cpu(0, 0)));
    }
}
