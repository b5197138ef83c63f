package dev.kapsel.kvm;


/**
 * Segment, descriptor-table and control registers of a vCPU ({@code struct kvm_sregs}). The pending
 * interrupt bitmap is carried through unchanged between get and set.
 */
public record SpecialRegisters(Segment cs, Segment ds, Segment es, Segment fs, Segment gs,
                               Segment ss, Segment tr, Segment ldt, DescriptorTable gdt,
                               DescriptorTable idt, long cr0, long cr2, long cr3, long cr4, long cr8,
                               long efer, long apicBase, long[] interruptBitmap) {

    public SpecialRegisters {
        interruptBitmap = interruptBitmap.clone();
        if (interruptBitmap.length != 4) {
            throw new IllegalArgumentException("interrupt bitmap has 4 words");
        }
    }

    @Override
    public long[] interruptBitmap() {
        return interruptBitmap.clone();
    }

    /** A builder seeded from these values, for changing a few fields. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable companion so callers do not repeat 18-argument constructor calls. */
    public static final class Builder {
        public Segment cs, ds, es, fs, gs, ss, tr, ldt;
        public DescriptorTable gdt, idt;
        public long cr0, cr2, cr3, cr4, cr8, efer, apicBase;
        private final long[] interruptBitmap;

        private Builder(SpecialRegisters s) {
            cs = s.cs;
            ds = s.ds;
            es = s.es;
            fs = s.fs;
            gs = s.gs;
            ss = s.ss;
            tr = s.tr;
            ldt = s.ldt;
            gdt = s.gdt;
            idt = s.idt;
            cr0 = s.cr0;
            cr2 = s.cr2;
            cr3 = s.cr3;
            cr4 = s.cr4;
            cr8 = s.cr8;
            efer = s.efer;
            apicBase = s.apicBase;
            interruptBitmap = s.interruptBitmap;
        }

        /** Sets CS, DS, ES, FS, GS and SS at once from a code and a data segment. */
        public Builder flatSegments(Segment code, Segment data) {
            cs = code;
            ds = data;
            es = data;
            fs = data;
            gs = data;
            ss = data;
            return this;
        }

        public SpecialRegisters build() {
            return new SpecialRegisters(cs, ds, es, fs, gs, ss, tr, ldt, gdt, idt, cr0, cr2, cr3, cr4, cr8, efer,
                    apicBase, interruptBitmap);
        }
    }
}
