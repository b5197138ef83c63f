package dev.kapsel.arch.x86;

/**
 * The general registers of {@code struct kvm_regs} that the 64-bit boot protocol defines; all others
 * are zero. RSI points at the zero page, RFLAGS has only the reserved bit 1 set.
 */
public record GeneralRegisters(long rip, long rsp, long rbp, long rsi, long rflags) {
    public static final long RFLAGS_RESERVED = 0x2;

    /** The boot CPU entering the kernel at {@code entry}. */
    public static GeneralRegisters bootCpu(long entry) {
        return new GeneralRegisters(entry, Layout.BOOT_STACK_POINTER, Layout.BOOT_STACK_POINTER, Layout.ZERO_PAGE,
                RFLAGS_RESERVED);
    }
}
