package dev.kapsel.kvm;


import static dev.kapsel.kvm.KvmLayouts.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Converts between kapsel's records and the byte layout of KVM's structures. Pure, no ioctls. */
final class KvmCodec {
    private KvmCodec() {}

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;

    static MemorySegment encodeRegs(Regs regs, Arena arena) {
        MemorySegment s = arena.allocate(REGS_SIZE, 8);
        long[] r = regs.toArray();
        for (int i = 0; i < r.length; i++) {
            s.set(U64, i * 8L, r[i]);
        }
        return s;
    }

    static Regs decodeRegs(MemorySegment s) {
        long[] r = new long[18];
        for (int i = 0; i < r.length; i++) {
            r[i] = s.get(U64, i * 8L);
        }
        return Regs.fromArray(r);
    }

    private static void encodeSegment(MemorySegment s, long off, Segment seg) {
        s.set(U64, off + SEG_BASE, seg.base());
        s.set(U32, off + SEG_LIMIT, seg.limit());
        s.set(U16, off + SEG_SELECTOR, (short) seg.selector());
        s.set(U8, off + SEG_TYPE, (byte) seg.type());
        s.set(U8, off + SEG_PRESENT, bit(seg.present()));
        s.set(U8, off + SEG_DPL, (byte) seg.dpl());
        s.set(U8, off + SEG_DB, bit(seg.db()));
        s.set(U8, off + SEG_S, bit(seg.s()));
        s.set(U8, off + SEG_L, bit(seg.l()));
        s.set(U8, off + SEG_G, bit(seg.g()));
        s.set(U8, off + SEG_AVL, bit(seg.avl()));
        s.set(U8, off + SEG_UNUSABLE, bit(seg.unusable()));
    }

    private static Segment decodeSegment(MemorySegment s, long off) {
        return new Segment(s.get(U64, off + SEG_BASE), s.get(U32, off + SEG_LIMIT),
                Short.toUnsignedInt(s.get(U16, off + SEG_SELECTOR)), Byte.toUnsignedInt(s.get(U8, off + SEG_TYPE)),
                s.get(U8, off + SEG_PRESENT) != 0, Byte.toUnsignedInt(s.get(U8, off + SEG_DPL)),
                s.get(U8, off + SEG_DB) != 0, s.get(U8, off + SEG_S) != 0, s.get(U8, off + SEG_L) != 0,
                s.get(U8, off + SEG_G) != 0, s.get(U8, off + SEG_AVL) != 0, s.get(U8, off + SEG_UNUSABLE) != 0);
    }

    private static byte bit(boolean b) {
        return (byte) (b ? 1 : 0);
    }

    static MemorySegment encodeSregs(SpecialRegisters r, Arena arena) {
        MemorySegment s = arena.allocate(SREGS_SIZE, 8);
        Segment[] segs = {r.cs(), r.ds(), r.es(), r.fs(), r.gs(), r.ss(), r.tr(), r.ldt()};
        for (int i = 0; i < segs.length; i++) {
            encodeSegment(s, i * SEGMENT_SIZE, segs[i]);
        }
        s.set(U64, SREGS_GDT + DTABLE_BASE, r.gdt().base());
        s.set(U16, SREGS_GDT + DTABLE_LIMIT, (short) r.gdt().limit());
        s.set(U64, SREGS_IDT + DTABLE_BASE, r.idt().base());
        s.set(U16, SREGS_IDT + DTABLE_LIMIT, (short) r.idt().limit());
        s.set(U64, SREGS_CR0, r.cr0());
        s.set(U64, SREGS_CR2, r.cr2());
        s.set(U64, SREGS_CR3, r.cr3());
        s.set(U64, SREGS_CR4, r.cr4());
        s.set(U64, SREGS_CR8, r.cr8());
        s.set(U64, SREGS_EFER, r.efer());
        s.set(U64, SREGS_APIC_BASE, r.apicBase());
        long[] bitmap = r.interruptBitmap();
        for (int i = 0; i < 4; i++) {
            s.set(U64, SREGS_INTERRUPT_BITMAP + i * 8L, bitmap[i]);
        }
        return s;
    }

    static SpecialRegisters decodeSregs(MemorySegment s) {
        Segment[] segs = new Segment[8];
        for (int i = 0; i < segs.length; i++) {
            segs[i] = decodeSegment(s, i * SEGMENT_SIZE);
        }
        long[] bitmap = new long[4];
        for (int i = 0; i < 4; i++) {
            bitmap[i] = s.get(U64, SREGS_INTERRUPT_BITMAP + i * 8L);
        }
        return new SpecialRegisters(segs[0], segs[1], segs[2], segs[3], segs[4], segs[5], segs[6], segs[7],
                new DescriptorTable(s.get(U64, SREGS_GDT), Short.toUnsignedInt(s.get(U16, SREGS_GDT + DTABLE_LIMIT))),
                new DescriptorTable(s.get(U64, SREGS_IDT), Short.toUnsignedInt(s.get(U16, SREGS_IDT + DTABLE_LIMIT))),
                s.get(U64, SREGS_CR0), s.get(U64, SREGS_CR2), s.get(U64, SREGS_CR3), s.get(U64, SREGS_CR4),
                s.get(U64, SREGS_CR8), s.get(U64, SREGS_EFER), s.get(U64, SREGS_APIC_BASE), bitmap);
    }

    static MemorySegment allocateCpuid(int capacity, Arena arena) {
        MemorySegment s = arena.allocate(CPUID2_HEADER + capacity * CPUID_ENTRY_SIZE, 8);
        s.set(U32, 0, capacity);
        return s;
    }

    static MemorySegment encodeCpuid(List<CpuidEntry> entries, Arena arena) {
        MemorySegment s = allocateCpuid(entries.size(), arena);
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry e = entries.get(i);
            long off = CPUID2_HEADER + i * CPUID_ENTRY_SIZE;
            s.set(U32, off, e.function());
            s.set(U32, off + 4, e.index());
            s.set(U32, off + 8, e.flags());
            s.set(U32, off + 12, e.eax());
            s.set(U32, off + 16, e.ebx());
            s.set(U32, off + 20, e.ecx());
            s.set(U32, off + 24, e.edx());
        }
        return s;
    }

    static List<CpuidEntry> decodeCpuid(MemorySegment s) {
        int n = s.get(U32, 0);
        List<CpuidEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long off = CPUID2_HEADER + i * CPUID_ENTRY_SIZE;
            out.add(new CpuidEntry(s.get(U32, off), s.get(U32, off + 4), s.get(U32, off + 8), s.get(U32, off + 12),
                    s.get(U32, off + 16), s.get(U32, off + 20), s.get(U32, off + 24)));
        }
        return out;
    }

    static MemorySegment encodeMsrs(List<MsrEntry> msrs, Arena arena) {
        MemorySegment s = arena.allocate(MSRS_HEADER + msrs.size() * MSR_ENTRY_SIZE, 8);
        s.set(U32, 0, msrs.size());
        for (int i = 0; i < msrs.size(); i++) {
            long off = MSRS_HEADER + i * MSR_ENTRY_SIZE;
            s.set(U32, off, msrs.get(i).index());
            s.set(U64, off + 8, msrs.get(i).value());
        }
        return s;
    }

    static List<MsrEntry> decodeMsrs(MemorySegment s, int count) {
        List<MsrEntry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long off = MSRS_HEADER + i * MSR_ENTRY_SIZE;
            out.add(new MsrEntry(s.get(U32, off), s.get(U64, off + 8)));
        }
        return out;
    }

    static MemorySegment encodeMemoryRegion(int slot, long guestPhys, long size, long hostAddress, Arena arena) {
        MemorySegment s = arena.allocate(MEMORY_REGION_SIZE, 8);
        s.set(U32, 0, slot);
        s.set(U32, 4, 0);
        s.set(U64, 8, guestPhys);
        s.set(U64, 16, size);
        s.set(U64, 24, hostAddress);
        return s;
    }
}
