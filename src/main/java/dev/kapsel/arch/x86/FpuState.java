package dev.kapsel.arch.x86;

/** The FPU values of {@code struct kvm_fpu} set at boot: x87 control word and SSE MXCSR at their reset defaults. */
public record FpuState(int fcw, int mxcsr) {
    /** x87 FCW after FINIT: all exceptions masked, 64-bit precision, round to nearest. */
    public static final int FCW_DEFAULT = 0x37f;
    /** MXCSR after reset: all SSE exceptions masked. */
    public static final int MXCSR_DEFAULT = 0x1f80;

    public static FpuState boot() {
        return new FpuState(FCW_DEFAULT, MXCSR_DEFAULT);
    }
}
