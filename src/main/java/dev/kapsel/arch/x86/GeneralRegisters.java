package dev.kapsel.arch.x86;

/**
 * The general registers of {@code struct kvm_regs} that a boot protocol defines; all others are zero.
 * For Linux's 64-bit protocol RSI points at the zero page; for the 32-bit entries (PVH, multiboot)
 * EAX and EBX carry the magic and the boot information's address. RFLAGS has only the reserved bit 1 set.
 */
public record GeneralRegisters(long rip, long rsp, long rbp, long rsi, long rflags, long rax, long rbx) {
    public static final long RFLAGS_RESERVED = 0x2;

    /** The boot CPU entering the kernel at {@code entry}. */
    public static GeneralRegisters bootCpu(long entry) {
        return new GeneralRegisters(entry, Layout.BOOT_STACK_POINTER, Layout.BOOT_STACK_POINTER, Layout.ZERO_PAGE,
                RFLAGS_RESERVED, 0, 0);
    }

    /** The boot CPU entering 32-bit code at {@code entry} with {@code eax} and {@code ebx} set. */
    public static GeneralRegisters protectedModeCpu(long entry, long eax, long ebx) {
        return new GeneralRegisters(entry, Layout.BOOT_STACK_POINTER, 0, 0, RFLAGS_RESERVED, eax, ebx);
    }
}
