package dev.kapsel.arch.x86;

import dev.kapsel.kvm.CpuidEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the host's {@code KVM_GET_SUPPORTED_CPUID} list into the CPUID of one vCPU, in the spirit of
 * Firecracker's cpuid normalization: per-vCPU APIC ids, a topology of {@code vcpuCount} single-thread
 * cores in one package that agrees across leaves 1, 4, 0xB, 0x1F and the AMD leaves, the hypervisor
 * bit, no thermal/power management or PMU, and a brand string if the host gives none. Leaves it does
 * not know are passed through unchanged.
 */
public final class CpuidFilter {
    private CpuidFilter() {}

    /** Brand string used when the host reports none (at most 47 characters, NUL padded to 48). */
    public static final String KAPSEL_BRAND = "kapsel virtual CPU";

    static final int LEAF_FEATURES = 0x1;
    static final int LEAF_CACHE_PARAMS = 0x4;
    static final int LEAF_THERMAL_POWER = 0x6;
    static final int LEAF_EXTENDED_FEATURES = 0x7;
    static final int LEAF_XSAVE_STATE = 0xd;
    static final int LEAF_PMU = 0xa;
    static final int LEAF_TOPOLOGY = 0xb;
    static final int LEAF_TOPOLOGY_V2 = 0x1f;
    static final int LEAF_EXT_MAX = 0x8000_0000;
    static final int LEAF_BRAND_FIRST = 0x8000_0002;
    static final int LEAF_BRAND_LAST = 0x8000_0004;
    static final int LEAF_AMD_SIZES = 0x8000_0008;
    static final int LEAF_AMD_CACHE_TOPOLOGY = 0x8000_001d;
    static final int LEAF_AMD_EXT_APIC_ID = 0x8000_001e;

    static final int ECX_HYPERVISOR = 1 << 31;
    static final int ECX_XSAVE = 1 << 26;
    static final int ECX_OSXSAVE = 1 << 27;
    static final int ECX_AVX = 1 << 28;
    /** Leaf 7 EBX: AVX2 and the AVX-512 family, all of which need XCR0 to enable their state. */
    static final int EBX_AVX2 = 1 << 5;
    static final int EBX_AVX512F = 1 << 16;
    static final int EBX_AVX512DQ = 1 << 17;
    static final int EBX_AVX512IFMA = 1 << 21;
    static final int EBX_AVX512PF = 1 << 26;
    static final int EBX_AVX512ER = 1 << 27;
    static final int EBX_AVX512CD = 1 << 28;
    static final int EBX_AVX512BW = 1 << 30;
    static final int EBX_AVX512VL = 1 << 31;
    static final int EBX_XCR0_STATE = EBX_AVX2 | EBX_AVX512F | EBX_AVX512DQ | EBX_AVX512IFMA | EBX_AVX512PF
            | EBX_AVX512ER | EBX_AVX512CD | EBX_AVX512BW | EBX_AVX512VL;
    static final int EDX_HTT = 1 << 28;
    static final int CLFLUSH_LINE_SIZE_QWORDS = 8;
    static final int EAX_ARAT = 1 << 2;
    static final int LEVEL_TYPE_SMT = 1;
    static final int LEVEL_TYPE_CORE = 2;

    /** The entries vCPU {@code vcpuIndex} of {@code vcpuCount} should see. */
    public static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, int vcpuIndex, int vcpuCount) {
        if (vcpuCount < 1 || vcpuCount > 255) {
            throw new IllegalArgumentException("vCPU count must be 1..255, got " + vcpuCount);
        }
        if (vcpuIndex < 0 || vcpuIndex >= vcpuCount) {
            throw new IllegalArgumentException("vCPU index " + vcpuIndex + " outside 0.." + (vcpuCount - 1));
        }
        CpuVendor vendor = CpuVendor.of(supported);
        List<CpuidEntry> out = new ArrayList<>(supported.size() + 3);
        for (CpuidEntry e : supported) {
            out.add(normalize(e, vendor, vcpuIndex, vcpuCount));
        }
        addBrandIfAbsent(out);
        out.sort(Comparator.comparing(CpuidEntry::function, Integer::compareUnsigned)
                .thenComparing(CpuidEntry::index, Integer::compareUnsigned));
        return List.copyOf(out);
    }

    /**
     * {@code entries} without XSAVE, AVX and AVX-512 and without the XSAVE state leaf, for a CPU whose
     * XCR0 is never set (the sandbox's): a libc that saw them would pick code paths that fault.
     */
    public static List<CpuidEntry> withoutXsave(List<CpuidEntry> entries) {
        List<CpuidEntry> out = new ArrayList<>(entries.size());
        for (CpuidEntry e : entries) {
            if (e.function() == LEAF_FEATURES) {
                e = e.withRegisters(e.eax(), e.ebx(), e.ecx() & ~(ECX_XSAVE | ECX_OSXSAVE | ECX_AVX), e.edx());
            } else if (e.function() == LEAF_EXTENDED_FEATURES && e.index() == 0) {
                e = e.withRegisters(e.eax(), e.ebx() & ~EBX_XCR0_STATE, e.ecx(), e.edx());
            } else if (e.function() == LEAF_XSAVE_STATE) {
                continue;
            }
            out.add(e);
        }
        return List.copyOf(out);
    }

    /** Bits needed to number {@code count} ids: ceil(log2(count)). */
    static int idBits(int count) {
        return count <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(count - 1);
    }

    private static CpuidEntry normalize(CpuidEntry e, CpuVendor vendor, int index, int count) {
        return switch (e.function()) {
            case LEAF_FEATURES -> e.withRegisters(e.eax(),
                    (e.ebx() & 0xff) | CLFLUSH_LINE_SIZE_QWORDS << 8 | count << 16 | index << 24,
                    e.ecx() | ECX_HYPERVISOR,
                    count > 1 ? e.edx() | EDX_HTT : e.edx() & ~EDX_HTT);
            case LEAF_CACHE_PARAMS -> vendor == CpuVendor.INTEL ? cacheParams(e, count, true) : e;
            case LEAF_THERMAL_POWER -> e.withRegisters(e.eax() & EAX_ARAT, 0, 0, 0);
            case LEAF_PMU -> e.withRegisters(0, 0, 0, 0);
            case LEAF_TOPOLOGY, LEAF_TOPOLOGY_V2 -> topology(e, index, count);
            case LEAF_AMD_SIZES -> vendor == CpuVendor.AMD
                    ? e.withRegisters(e.eax(), e.ebx(), (e.ecx() & ~0xf0ff) | (count - 1) | idBits(count) << 12, e.edx())
                    : e;
            case LEAF_AMD_CACHE_TOPOLOGY -> vendor == CpuVendor.AMD ? cacheParams(e, count, false) : e;
            case LEAF_AMD_EXT_APIC_ID -> vendor == CpuVendor.AMD
                    ? e.withRegisters(index, index & 0xff, 0, 0) // one thread per core, one node
                    : e;
            default -> e;
        };
    }

    /**
     * Leaf 4 (Intel) / 0x8000_001D (AMD) deterministic cache parameters: L1 and L2 are private to a
     * (single-thread) core, L3 is shared by all vCPUs; Intel also reports cores per package.
     */
    private static CpuidEntry cacheParams(CpuidEntry e, int count, boolean intelCoresField) {
        int eax = e.eax();
        if ((eax & 0x1f) == 0) {
            return e; // no cache at this subleaf
        }
        int level = (eax >>> 5) & 0x7;
        int sharing = level >= 3 ? Math.min(count - 1, 0xfff) : 0;
        eax = (eax & ~(0xfff << 14)) | sharing << 14;
        if (intelCoresField) {
            eax = (eax & 0x03ff_ffff) | Math.min(count - 1, 0x3f) << 26;
        }
        return e.withRegisters(eax, e.ebx(), e.ecx(), e.edx());
    }

    /** Leaf 0xB / 0x1F x2APIC topology: subleaf 0 = SMT (1 thread), 1 = core (all vCPUs), then invalid. */
    private static CpuidEntry topology(CpuidEntry e, int index, int count) {
        int sub = e.index();
        return switch (sub) {
            case 0 -> e.withRegisters(0, 1, LEVEL_TYPE_SMT << 8, index);
            case 1 -> e.withRegisters(idBits(count), count, 1 | LEVEL_TYPE_CORE << 8, index);
            default -> e.withRegisters(0, 0, sub & 0xff, index);
        };
    }

    private static void addBrandIfAbsent(List<CpuidEntry> entries) {
        boolean present = false;
        for (CpuidEntry e : entries) {
            if (e.function() >= LEAF_BRAND_FIRST && e.function() <= LEAF_BRAND_LAST
                    && (e.eax() | e.ebx() | e.ecx() | e.edx()) != 0) {
                present = true;
            }
        }
        if (present) {
            return;
        }
        entries.removeIf(e -> e.function() >= LEAF_BRAND_FIRST && e.function() <= LEAF_BRAND_LAST);
        ByteBuffer brand = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        brand.put(KAPSEL_BRAND.getBytes(StandardCharsets.US_ASCII)).rewind();
        for (int leaf = LEAF_BRAND_FIRST; leaf <= LEAF_BRAND_LAST; leaf++) {
            entries.add(new CpuidEntry(leaf, 0, 0, brand.getInt(), brand.getInt(), brand.getInt(), brand.getInt()));
        }
        boolean hasExtMax = false;
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry e = entries.get(i);
            if (e.function() == LEAF_EXT_MAX) {
                hasExtMax = true;
                if (Integer.compareUnsigned(e.eax(), LEAF_BRAND_LAST) < 0) {
                    entries.set(i, e.withRegisters(LEAF_BRAND_LAST, e.ebx(), e.ecx(), e.edx()));
                }
            }
        }
        if (!hasExtMax) {
            entries.add(new CpuidEntry(LEAF_EXT_MAX, 0, 0, LEAF_BRAND_LAST, 0, 0, 0));
        }
    }

    /** The 48-byte brand string from leaves 0x8000_0002..4, trailing NULs removed; empty if absent. */
    public static String brandString(List<CpuidEntry> entries) {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int leaf = LEAF_BRAND_FIRST; leaf <= LEAF_BRAND_LAST; leaf++) {
            for (CpuidEntry e : entries) {
                if (e.function() == leaf) {
                    b.position((leaf - LEAF_BRAND_FIRST) * 16);
                    b.putInt(e.eax()).putInt(e.ebx()).putInt(e.ecx()).putInt(e.edx());
                }
            }
        }
        String s = new String(b.array(), StandardCharsets.US_ASCII);
        int nul = s.indexOf('\0');
        return (nul < 0 ? s : s.substring(0, nul)).strip();
    }
}
