package dev.kapsel.sandbox.machine;

/** x86 exception vector numbers and page-fault error-code bits. */
public final class Vectors {
    private Vectors() {}

    public static final int DIVIDE_ERROR = 0;
    public static final int DEBUG = 1;
    public static final int BREAKPOINT = 3;
    public static final int OVERFLOW = 4;
    public static final int BOUND_RANGE = 5;
    public static final int INVALID_OPCODE = 6;
    public static final int DEVICE_NOT_AVAILABLE = 7;
    public static final int DOUBLE_FAULT = 8;
    public static final int INVALID_TSS = 10;
    public static final int SEGMENT_NOT_PRESENT = 11;
    public static final int STACK_FAULT = 12;
    public static final int GENERAL_PROTECTION = 13;
    public static final int PAGE_FAULT = 14;
    public static final int X87_FPU = 16;
    public static final int ALIGNMENT_CHECK = 17;
    public static final int MACHINE_CHECK = 18;
    public static final int SIMD_FPU = 19;

    public static final long PF_PRESENT = 1;
    public static final long PF_WRITE = 2;
    public static final long PF_USER = 4;
    public static final long PF_RESERVED = 8;
    public static final long PF_INSTRUCTION = 16;

    public static String name(int vector) {
        return switch (vector) {
            case DIVIDE_ERROR -> "#DE divide error";
            case DEBUG -> "#DB debug";
            case BREAKPOINT -> "#BP breakpoint";
            case OVERFLOW -> "#OF overflow";
            case BOUND_RANGE -> "#BR bound range";
            case INVALID_OPCODE -> "#UD invalid opcode";
            case DEVICE_NOT_AVAILABLE -> "#NM device not available";
            case DOUBLE_FAULT -> "#DF double fault";
            case GENERAL_PROTECTION -> "#GP general protection";
            case PAGE_FAULT -> "#PF page fault";
            case X87_FPU -> "#MF x87 error";
            case ALIGNMENT_CHECK -> "#AC alignment check";
            case SIMD_FPU -> "#XM SIMD error";
            default -> "vector " + vector;
        };
    }
}
