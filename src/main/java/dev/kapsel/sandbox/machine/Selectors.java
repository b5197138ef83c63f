package dev.kapsel.sandbox.machine;

/** GDT selectors, laid out as Linux does so that STAR's SYSRET convention holds. */
public final class Selectors {
    private Selectors() {}

    public static final int KERNEL_CS = 0x08;
    public static final int KERNEL_DS = 0x10;
    /** Base of the SYSRET selector group: user SS = +8, user CS = +16. */
    public static final int USER_BASE = 0x18;
    public static final int USER_DS = 0x20 | 3;
    public static final int USER_CS = 0x28 | 3;
    public static final int TSS = 0x30;
    public static final int GDT_ENTRIES = 8;
}
