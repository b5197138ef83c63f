package dev.kapsel.arch.x86;

import dev.kapsel.kvm.DescriptorTable;
import dev.kapsel.kvm.Segment;
import dev.kapsel.memory.GuestMemory;

/**
 * The boot GDT as Firecracker sets it up: null, 64-bit code, data and a TSS descriptor, written at
 * {@link Layout#BOOT_GDT}; plus an empty IDT at {@link Layout#BOOT_IDT}. Interrupts stay disabled
 * until the kernel installs its own tables.
 */
public final class Gdt {
    private Gdt() {}

    public static final int CODE_INDEX = 1;
    public static final int DATA_INDEX = 2;
    public static final int TSS_INDEX = 3;

    /** Access byte + flags nibble, in the layout {@link #entry} takes: present, code r/x accessed, L=1, G=1. */
    public static final int CODE_FLAGS = 0xa09b;
    /** Present, code r/x accessed, D=1 (32-bit), G=1: the code segment of a 32-bit protected-mode entry. */
    public static final int CODE32_FLAGS = 0xc09b;
    /** Present, data r/w accessed, D/B=1, G=1. */
    public static final int DATA_FLAGS = 0xc093;
    /** Present, busy 32/64-bit TSS, G=1. */
    public static final int TSS_FLAGS = 0x808b;

    /** The four descriptors in order. */
    public static long[] bootTable() {
        return new long[] {
            0,
            entry(CODE_FLAGS, 0, 0xfffff),
            entry(DATA_FLAGS, 0, 0xfffff),
            entry(TSS_FLAGS, 0, 0xfffff),
        };
    }

    /** The same four descriptors with a 32-bit code segment, for the PVH and multiboot entries. */
    public static long[] protectedModeTable() {
        long[] table = bootTable();
        table[CODE_INDEX] = entry(CODE32_FLAGS, 0, 0xfffff);
        return table;
    }

    /**
     * Encodes a segment descriptor. {@code flags} holds the access byte in bits 7:0 and the G, D/B,
     * L, AVL nibble in bits 15:12 (bits 11:8 are ignored; they are the limit's high nibble's slot).
     */
    public static long entry(int flags, long base, int limit) {
        return ((base & 0xff00_0000L) << 32)
                | (((long) flags & 0xf0ff) << 40)
                | (((long) limit & 0xf_0000) << 32)
                | ((base & 0x00ff_ffffL) << 16)
                | ((long) limit & 0xffff);
    }

    /** Writes the GDT and the (zero) IDT into guest memory. */
    public static void write(GuestMemory memory) {
        long[] table = bootTable();
        for (int i = 0; i < table.length; i++) {
            memory.writeU64(Layout.BOOT_GDT + 8L * i, table[i]);
        }
        memory.writeU64(Layout.BOOT_IDT, 0);
    }

    /** Writes {@link #protectedModeTable} and the (zero) IDT into guest memory. */
    public static void writeProtectedMode(GuestMemory memory) {
        long[] table = protectedModeTable();
        for (int i = 0; i < table.length; i++) {
            memory.writeU64(Layout.BOOT_GDT + 8L * i, table[i]);
        }
        memory.writeU64(Layout.BOOT_IDT, 0);
    }

    public static DescriptorTable gdtRegister() {
        return new DescriptorTable(Layout.BOOT_GDT, bootTable().length * 8 - 1);
    }

    public static DescriptorTable idtRegister() {
        return new DescriptorTable(Layout.BOOT_IDT, 8 - 1);
    }

    public static Segment segment(int index) {
        return Segment.fromGdtEntry(bootTable()[index], index);
    }
}
