package dev.kapsel.sandbox.machine;

import dev.kapsel.memory.GuestMemory;

/**
 * The only code that runs at guest CPL0, a few instructions per entry since this host emulates
 * kernel mode. Each exception vector's entry is {@code out VECTOR, al; hlt}, so the monitor learns
 * the vector from the port; {@code syscall} lands on {@code out SYSCALL_PORT, al; hlt}. The monitor
 * never lets the stub return by itself: it restores user state with KVM_SET_REGS/KVM_SET_SREGS.
 * The flush entry takes RCX triples (page-table entry address, value, virtual address) at RSI: it
 * rewrites each entry from inside the guest and invalidates the address with {@code invlpg}. The
 * Java kernel has already written the value from the host side; the guest-side write is what makes
 * a shadow-paging KVM (kvm_pvm here) drop its cached translation, which {@code invlpg} alone does not.
 * The reload entry writes CR3 back to itself, which empties this vCPU's TLB of every user
 * translation (no page is global): what another vCPU of the same address space runs in a shootdown,
 * where the entries may already belong to someone else and must not be written again.
 */
public final class EntryStub {
    private EntryStub() {}

    /** Vectors 0..31 are exceptions; every other vector shares the spurious entry. */
    public static final int SPURIOUS = 32;
    public static final int SYSCALL_PORT = 0x80;
    public static final int FLUSH_DONE_PORT = 0x81;
    public static final int SPURIOUS_PORT = 0x20;
    private static final int ENTRY_SIZE = 8;
    public static final int SYSCALL_ENTRY = 0x200;
    public static final int FLUSH_ENTRY = 0x240;
    public static final int RELOAD_ENTRY = 0x2c0;

    public static int vectorEntry(int vector) {
        return vector * ENTRY_SIZE;
    }

    public static long syscallEntryVirtual() {
        return KernelLayout.kernelVirtual(KernelLayout.STUB) + SYSCALL_ENTRY;
    }

    public static long flushEntryVirtual() {
        return KernelLayout.kernelVirtual(KernelLayout.STUB) + FLUSH_ENTRY;
    }

    public static long reloadEntryVirtual() {
        return KernelLayout.kernelVirtual(KernelLayout.STUB) + RELOAD_ENTRY;
    }

    /** Is the exit port one of the exception entries? Returns the vector or -1. */
    public static int vectorOfPort(int port) {
        return port >= 0 && port <= SPURIOUS_PORT ? port : -1;
    }

    public static void write(GuestMemory memory) {
        long base = KernelLayout.STUB;
        memory.fill(base, KernelLayout.PAGE_SIZE, (byte) 0xf4); // hlt everywhere else
        for (int v = 0; v <= SPURIOUS; v++) {
            memory.write(base + vectorEntry(v), outHlt(v));
        }
        memory.write(base + SYSCALL_ENTRY, outHlt(SYSCALL_PORT));
        byte[] flush = {
            0x48, (byte) 0x85, (byte) 0xc9,             // test rcx, rcx
            0x74, 0x1a,                                 // jz done
            0x48, (byte) 0x8b, 0x06,                    // loop: mov rax, [rsi]       entry address
            0x48, (byte) 0x8b, 0x56, 0x08,              // mov rdx, [rsi+8]           entry value
            0x48, (byte) 0x89, 0x10,                    // mov [rax], rdx             (a write KVM tracks)
            0x48, (byte) 0x8b, 0x46, 0x10,              // mov rax, [rsi+16]          virtual address
            0x0f, 0x01, 0x38,                           // invlpg [rax]
            0x48, (byte) 0x83, (byte) 0xc6, 0x18,       // add rsi, 24
            0x48, (byte) 0xff, (byte) 0xc9,             // dec rcx
            0x75, (byte) 0xe6,                          // jnz loop
            (byte) 0xe6, (byte) FLUSH_DONE_PORT,        // done: out FLUSH_DONE_PORT, al
            (byte) 0xf4, (byte) 0xeb, (byte) 0xfd       // hlt; jmp hlt
        };
        memory.write(base + FLUSH_ENTRY, flush);
        byte[] reload = {
            0x0f, 0x20, (byte) 0xd8,                    // mov rax, cr3
            0x0f, 0x22, (byte) 0xd8,                    // mov cr3, rax               (drops every non-global translation)
            (byte) 0xe6, (byte) FLUSH_DONE_PORT,        // out FLUSH_DONE_PORT, al
            (byte) 0xf4, (byte) 0xeb, (byte) 0xfd       // hlt; jmp hlt
        };
        memory.write(base + RELOAD_ENTRY, reload);
    }

    private static byte[] outHlt(int port) {
        return new byte[] {(byte) 0xe6, (byte) port, (byte) 0xf4, (byte) 0xeb, (byte) 0xfd};
    }

    /** Exceptions for which the CPU pushes an error code. */
    public static boolean hasErrorCode(int vector) {
        return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30;
    }
}
