package dev.kapsel.arch.x86;

import dev.kapsel.kvm.CpuidEntry;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CpuidFilterTest {
    private static CpuidEntry vendorLeaf(String vendor, int maxLeaf) {
        ByteBuffer b = ByteBuffer.wrap(vendor.getBytes()).order(ByteOrder.LITTLE_ENDIAN);
        int ebx = b.getInt(), edx = b.getInt(), ecx = b.getInt();
        return new CpuidEntry(0, 0, 0, maxLeaf, ebx, ecx, edx);
    }

    private static CpuidEntry leaf(int f, int i, int eax, int ebx, int ecx, int edx) {
        return new CpuidEntry(f, i, 0, eax, ebx, ecx, edx);
    }

    /** A plausible Intel KVM_GET_SUPPORTED_CPUID list (no brand string, host-ish values to be overwritten). */
    static List<CpuidEntry> intel() {
        List<CpuidEntry> l = new ArrayList<>();
        l.add(vendorLeaf("GenuineIntel", 0x1f));
        l.add(leaf(1, 0, 0x000806f8, 0xff10_0800, 0x7ffa_3203 & ~(1 << 31), 0x1f8b_fbff));
        l.add(leaf(4, 0, 0x1c00_4121, 0x01c0_003f, 0x3f, 0));   // L1d
        l.add(leaf(4, 1, 0x1c00_4122, 0x01c0_003f, 0x3f, 0));   // L1i
        l.add(leaf(4, 2, 0x1c00_4143, 0x03c0_003f, 0x7ff, 0));  // L2
        l.add(leaf(4, 3, 0x1c03_c163, 0x03c0_003f, 0xbfff, 4)); // L3
        l.add(leaf(4, 4, 0, 0, 0, 0));
        l.add(leaf(6, 0, 0x0000_0077, 2, 9, 0));
        l.add(leaf(0xa, 0, 0x0704_8302, 0, 0, 0x603));
        for (int i = 0; i < 3; i++) {
            l.add(new CpuidEntry(0xb, i, 1, 1, 2, i | (i + 1) << 8, 77));
            l.add(new CpuidEntry(0x1f, i, 1, 1, 2, i | (i + 1) << 8, 77));
        }
        l.add(leaf(0x8000_0000, 0, 0x8000_0008, 0, 0, 0));
        l.add(leaf(0x8000_0008, 0, 0x3027, 0, 0, 0));
        return l;
    }

    /** A plausible AMD EPYC list, with its brand string. */
    static List<CpuidEntry> amd() {
        List<CpuidEntry> l = new ArrayList<>();
        l.add(vendorLeaf("AuthenticAMD", 0x10));
        l.add(leaf(1, 0, 0x00830f10, 0x0040_0800, 0x7ed8_320b, 0x178b_fbff));
        l.add(leaf(6, 0, 0x4, 0, 1, 0));
        l.add(leaf(0x8000_0000, 0, 0x8000_001f, 0x6874_7541, 0x444d_4163, 0x6974_6e65));
        byte[] brand = java.util.Arrays.copyOf("AMD EPYC 7B12 64-Core Processor".getBytes(), 48);
        ByteBuffer b = ByteBuffer.wrap(brand).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0x8000_0002; f <= 0x8000_0004; f++) {
            l.add(leaf(f, 0, b.getInt(), b.getInt(), b.getInt(), b.getInt()));
        }
        l.add(leaf(0x8000_0008, 0, 0x3030, 0, 0x0000_703f, 0));
        l.add(new CpuidEntry(0x8000_001d, 0, 1, 0x0000_4121, 0x01c0_003f, 0x3f, 0));
        l.add(new CpuidEntry(0x8000_001d, 3, 1, 0x0003_c163, 0x03c0_003f, 0x3fff, 1));
        l.add(leaf(0x8000_001e, 0, 0x3f, 0x0000_0107, 0x0000_0303, 0));
        return l;
    }

    private static CpuidEntry find(List<CpuidEntry> l, int f, int i) {
        Optional<CpuidEntry> e = l.stream().filter(x -> x.function() == f && x.index() == i).findFirst();
        return e.orElseThrow(() -> new AssertionError("no leaf " + Integer.toHexString(f) + "/" + i));
    }

    @Test
    void vendorIsDetected() {
        assertEquals(CpuVendor.INTEL, CpuVendor.of(intel()));
        assertEquals(CpuVendor.AMD, CpuVendor.of(amd()));
        assertEquals(CpuVendor.OTHER, CpuVendor.of(List.of()));
    }

    @Test
    void leafOneCarriesApicIdCountClflushAndHypervisorBit() {
        for (List<CpuidEntry> host : List.of(intel(), amd())) {
            for (int i = 0; i < 4; i++) {
                CpuidEntry l1 = find(CpuidFilter.forVcpu(host, i, 4), 1, 0);
                CpuidEntry orig = find(host, 1, 0);
                assertEquals(i, l1.ebx() >>> 24);
                assertEquals(4, (l1.ebx() >>> 16) & 0xff);
                assertEquals(8, (l1.ebx() >>> 8) & 0xff);
                assertEquals(orig.ebx() & 0xff, l1.ebx() & 0xff, "brand index kept");
                assertTrue(l1.ecx() < 0, "hypervisor bit");
                assertEquals(orig.ecx() & (1 << 24), l1.ecx() & (1 << 24), "TSC deadline left as supported");
                assertEquals(orig.eax(), l1.eax());
                assertNotEquals(0, l1.edx() & (1 << 28), "HTT with several logical processors");
            }
            assertEquals(0, find(CpuidFilter.forVcpu(host, 0, 1), 1, 0).edx() & (1 << 28));
        }
    }

    @Test
    void intelCacheLeafAndTopologyAgreeWithCount() {
        List<CpuidEntry> v = CpuidFilter.forVcpu(intel(), 5, 6);
        for (int sub = 0; sub < 4; sub++) {
            CpuidEntry c = find(v, 4, sub);
            int level = (c.eax() >>> 5) & 7;
            assertEquals(5, c.eax() >>> 26, "cores per package - 1");
            assertEquals(level == 3 ? 5 : 0, (c.eax() >>> 14) & 0xfff, "sharing at level " + level);
            assertEquals(find(intel(), 4, sub).eax() & 0x3fff, c.eax() & 0x3fff, "cache type/level kept");
        }
        assertEquals(0, find(v, 4, 4).eax(), "terminator untouched");
        for (int leaf : new int[] {0xb, 0x1f}) {
            CpuidEntry smt = find(v, leaf, 0);
            CpuidEntry core = find(v, leaf, 1);
            CpuidEntry rest = find(v, leaf, 2);
            assertEquals(5, smt.edx());
            assertEquals(5, core.edx());
            assertEquals(5, rest.edx());
            assertEquals(0, smt.eax());
            assertEquals(1, smt.ebx());
            assertEquals(0x100, smt.ecx());
            assertEquals(3, core.eax(), "6 vCPUs need 3 APIC id bits");
            assertEquals(6, core.ebx());
            assertEquals(0x201, core.ecx());
            assertEquals(0, rest.ebx());
            assertEquals(2, rest.ecx(), "invalid level type at subleaf 2");
            assertTrue(5 >>> core.eax() == 0, "APIC id fits below the package shift");
        }
    }

    @Test
    void thermalPowerAndPmuCleared() {
        List<CpuidEntry> v = CpuidFilter.forVcpu(intel(), 0, 1);
        assertEquals(leaf(6, 0, 0x4, 0, 0, 0), find(v, 6, 0), "only ARAT kept");
        assertEquals(leaf(0xa, 0, 0, 0, 0, 0), find(v, 0xa, 0));
    }

    @Test
    void intelGetsKapselBrandWhenAbsent() {
        List<CpuidEntry> v = CpuidFilter.forVcpu(intel(), 0, 2);
        assertEquals(CpuidFilter.KAPSEL_BRAND, CpuidFilter.brandString(v));
        assertEquals(0x8000_0008, find(v, 0x8000_0000, 0).eax(), "max ext leaf not lowered");
        assertEquals("", CpuidFilter.brandString(intel()));
    }

    @Test
    void brandAddedWithExtMaxWhenExtendedLeavesMissing() {
        List<CpuidEntry> v = CpuidFilter.forVcpu(List.of(vendorLeaf("GenuineIntel", 1)), 0, 1);
        assertEquals(0x8000_0004, find(v, 0x8000_0000, 0).eax());
        assertEquals(CpuidFilter.KAPSEL_BRAND, CpuidFilter.brandString(v));
    }

    @Test
    void amdKeepsItsBrandAndGetsTopology() {
        List<CpuidEntry> v = CpuidFilter.forVcpu(amd(), 2, 3);
        assertEquals("AMD EPYC 7B12 64-Core Processor", CpuidFilter.brandString(v));
        CpuidEntry sizes = find(v, 0x8000_0008, 0);
        assertEquals(2, sizes.ecx() & 0xff, "NC = count - 1");
        assertEquals(2, (sizes.ecx() >>> 12) & 0xf, "ApicIdSize for 3 vCPUs");
        assertEquals(0x3030, sizes.eax());
        CpuidEntry ext = find(v, 0x8000_001e, 0);
        assertEquals(2, ext.eax(), "extended APIC id");
        assertEquals(2, ext.ebx() & 0xff, "core id");
        assertEquals(0, (ext.ebx() >>> 8) & 0xff, "one thread per core");
        assertEquals(0, ext.ecx());
        assertEquals(2, (find(v, 0x8000_001d, 3).eax() >>> 14) & 0xfff, "L3 shared by all");
        assertEquals(0, (find(v, 0x8000_001d, 0).eax() >>> 14) & 0xfff, "L1 private");
        assertEquals(2, find(v, 1, 0).ebx() >>> 24);
    }

    @Test
    void outputIsSortedAndUnknownLeavesPass() {
        List<CpuidEntry> host = new ArrayList<>(amd());
        CpuidEntry kvm = leaf(0x4000_0000, 0, 0x4000_0001, 0x4b4d564b, 0x564b4d56, 0x4d);
        host.add(kvm);
        List<CpuidEntry> v = CpuidFilter.forVcpu(host, 0, 1);
        assertTrue(v.contains(kvm));
        for (int i = 1; i < v.size(); i++) {
            assertTrue(Integer.compareUnsigned(v.get(i - 1).function(), v.get(i).function()) <= 0);
        }
        assertEquals(host.size(), v.size());
        assertEquals(0, v.getFirst().function());
        assertEquals(0x8000_001e, v.getLast().function());
    }

    @Test
    void rejectsBadIndexAndCount() {
        assertThrows(IllegalArgumentException.class, () -> CpuidFilter.forVcpu(intel(), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> CpuidFilter.forVcpu(intel(), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> CpuidFilter.forVcpu(intel(), 0, 256));
    }

    @Test
    void withoutXsaveClearsTheXcr0FeaturesAndDropsTheXsaveLeaf() {
        List<CpuidEntry> in = List.of(
                leaf(1, 0, 1, 2, -1, -1),
                leaf(7, 0, 0, -1, -1, -1),
                leaf(7, 1, 0, -1, -1, -1),
                leaf(0xd, 0, 7, 0x240, 0x340, 0),
                leaf(0xd, 1, 1, 0, 0, 0));
        List<CpuidEntry> out = CpuidFilter.withoutXsave(in);
        assertEquals(3, out.size(), "leaf 0xd goes");
        // leaf 1 ECX: XSAVE (26), OSXSAVE (27), AVX (28) cleared, everything else kept
        assertEquals(~(0b111 << 26), out.get(0).ecx());
        assertEquals(-1, out.get(0).edx());
        // leaf 7.0 EBX: AVX2 (5) and AVX-512 F, DQ, IFMA, PF, ER, CD, BW, VL cleared
        int avx = 1 << 5 | 1 << 16 | 1 << 17 | 1 << 21 | 1 << 26 | 1 << 27 | 1 << 28 | 1 << 30 | 1 << 31;
        assertEquals(~avx, out.get(1).ebx());
        assertEquals(-1, out.get(1).ecx());
        assertEquals(in.get(2), out.get(2), "only subleaf 0 of leaf 7 names those bits");
    }
}
