package dev.kapsel.arch.x86;

/**
 * The CR0, CR4 and EFER bits kapsel sets, with the names the Intel SDM gives them, for the boot CPU
 * ({@link LongModeRegisters}) and for the sandbox's CPL3 machine alike.
 */
public final class ControlRegisters {
    private ControlRegisters() {}

    /** Protected mode. */
    public static final long CR0_PE = 1;
    /** x87 WAIT honours TS. */
    public static final long CR0_MP = 1 << 1;
    /** Extension type: always 1 on anything with an x87. */
    public static final long CR0_ET = 1 << 4;
    /** x87 errors as #MF, not through the legacy IRQ 13. */
    public static final long CR0_NE = 1 << 5;
    /** Supervisor writes honour read-only pages. */
    public static final long CR0_WP = 1 << 16;
    public static final long CR0_PG = 1L << 31;

    public static final long CR4_PAE = 1 << 5;
    /** The OS saves SSE state with FXSAVE: SSE instructions do not #UD. */
    public static final long CR4_OSFXSR = 1 << 9;
    /** The OS handles SIMD floating-point exceptions (#XM). */
    public static final long CR4_OSXMMEXCPT = 1 << 10;

    /** SYSCALL/SYSRET enable. */
    public static final long EFER_SCE = 1;
    public static final long EFER_LME = 1 << 8;
    public static final long EFER_LMA = 1 << 10;
    /** The page tables' NX bit is honoured. */
    public static final long EFER_NXE = 1 << 11;
}
