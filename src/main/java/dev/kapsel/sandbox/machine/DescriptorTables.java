package dev.kapsel.sandbox.machine;

import dev.kapsel.arch.x86.Gdt;
import dev.kapsel.arch.x86.Segments;
import dev.kapsel.memory.GuestMemory;

/**
 * Writes the GDT (kernel and user code/data, a 64-bit TSS descriptor), the TSS itself (RSP0 = top
 * of the kernel stack, no I/O bitmap) and the IDT whose 32 exception gates point into the
 * {@link EntryStub}. Gates are interrupt gates at DPL 0, except {@code int3} and {@code into} (DPL 3,
 * as on Linux), so a user {@code int N} of any other vector raises #GP.
 */
public final class DescriptorTables {
    private DescriptorTables() {}

    public static final int IDT_VECTORS = 256;

    public static void write(GuestMemory memory) {
        long gdt = KernelLayout.GDT;
        memory.writeU64(gdt, 0);
        memory.writeU64(gdt + Selectors.KERNEL_CS, Segments.codeDescriptor(0));
        memory.writeU64(gdt + Selectors.KERNEL_DS, Segments.dataDescriptor(0));
        memory.writeU64(gdt + 0x18, 0);                                     // 32-bit user code: unused
        memory.writeU64(gdt + (Selectors.USER_DS & ~3), Segments.dataDescriptor(3));
        memory.writeU64(gdt + (Selectors.USER_CS & ~3), Segments.codeDescriptor(3));
        long tssBase = KernelLayout.kernelVirtual(KernelLayout.TSS);
        // a 64-bit TSS descriptor is 16 bytes: the usual 8 with base bits 31:0, then base bits 63:32
        memory.writeU64(gdt + Selectors.TSS, Gdt.entry(Segments.TSS_AVAILABLE, tssBase, 0x67));
        memory.writeU64(gdt + Selectors.TSS + 8, tssBase >>> 32);

        memory.fill(KernelLayout.TSS, 0x68, (byte) 0);
        memory.writeU64(KernelLayout.TSS + 4, KernelLayout.kernelVirtual(KernelLayout.KERNEL_STACK_TOP));
        memory.writeU16(KernelLayout.TSS + 0x66, 0x68); // I/O map base beyond the limit: no bitmap

        for (int v = 0; v < IDT_VECTORS; v++) {
            long handler = KernelLayout.kernelVirtual(KernelLayout.STUB) + EntryStub.vectorEntry(Math.min(v, EntryStub.SPURIOUS));
            int dpl = (v == 3 || v == 4) ? 3 : 0;
            long entry = KernelLayout.IDT + v * 16L;
            long lo = (handler & 0xffff) | ((long) Selectors.KERNEL_CS << 16) | ((0x8eL | ((long) dpl << 5)) << 40)
                    | (((handler >>> 16) & 0xffff) << 48);
            memory.writeU64(entry, lo);
            memory.writeU64(entry + 8, handler >>> 32);
        }
    }

    public static int gdtLimit() {
        return Selectors.GDT_ENTRIES * 8 - 1;
    }

    public static int idtLimit() {
        return IDT_VECTORS * 16 - 1;
    }
}
