package dev.kapsel.arch.x86;

import dev.kapsel.kvm.Segment;

/**
 * The segment descriptors and registers of 64-bit code: flat code and data at a privilege level,
 * a 64-bit TSS and the unusable LDT. A register made here agrees with the descriptor {@link Gdt#entry}
 * encodes for it, so the GDT in guest memory and the cached register never disagree.
 */
public final class Segments {
    private Segments() {}

    /** Access byte type of an available 64-bit TSS (as written in the GDT); the CPU marks it busy on load. */
    public static final int TSS_AVAILABLE = 0x89;
    private static final int TYPE_TSS_BUSY = 0xb;
    private static final int TYPE_LDT = 0x2;

    /** Flat 64-bit code descriptor (L=1, G=1, accessed) at privilege level {@code dpl}. */
    public static long codeDescriptor(int dpl) {
        return Gdt.entry(Gdt.CODE_FLAGS | dpl << 5, 0, 0xfffff);
    }

    /** Flat read/write data descriptor (D/B=1, G=1, accessed) at privilege level {@code dpl}. */
    public static long dataDescriptor(int dpl) {
        return Gdt.entry(Gdt.DATA_FLAGS | dpl << 5, 0, 0xfffff);
    }

    /** The code segment register for {@code selector}, whose RPL is also its DPL. */
    public static Segment flatCode(int selector) {
        return Segment.fromDescriptor(codeDescriptor(selector & 3), selector);
    }

    /** The data segment register for {@code selector}, whose RPL is also its DPL. */
    public static Segment flatData(int selector) {
        return Segment.fromDescriptor(dataDescriptor(selector & 3), selector);
    }

    /** The task register of a busy 64-bit TSS at {@code base} (a 64-bit address), byte granular. */
    public static Segment tss(long base, int limit, int selector) {
        return new Segment(base, limit, selector, TYPE_TSS_BUSY, true, 0, false, false, false, false, false, false);
    }

    /** No LDT: KVM still wants a present type and a limit in the hidden part. */
    public static final Segment UNUSABLE_LDT =
            new Segment(0, 0xffff, 0, TYPE_LDT, true, 0, false, false, false, false, false, true);
}
