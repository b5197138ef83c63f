package dev.kapsel.arch.x86;

import dev.kapsel.kvm.MsrEntry;
import java.util.List;

/**
 * The MSRs set on every vCPU before it runs, as Firecracker does: syscall/sysenter MSRs cleared, TSC
 * at 0, fast strings on, and the MTRR default type set to write-back with MTRRs enabled. Without the
 * last one the guest sees all memory as uncached and runs very slowly.
 */
public final class BootMsrs {
    private BootMsrs() {}

    public static final int IA32_TSC = 0x10;
    public static final int IA32_SYSENTER_CS = 0x174;
    public static final int IA32_SYSENTER_ESP = 0x175;
    public static final int IA32_SYSENTER_EIP = 0x176;
    public static final int IA32_MISC_ENABLE = 0x1a0;
    public static final int MTRR_DEF_TYPE = 0x2ff;
    public static final int STAR = 0xc000_0081;
    public static final int LSTAR = 0xc000_0082;
    public static final int CSTAR = 0xc000_0083;
    public static final int SYSCALL_MASK = 0xc000_0084;
    public static final int KERNEL_GS_BASE = 0xc000_0102;

    public static final long MISC_ENABLE_FAST_STRING = 1;
    /** MTRRdefType: E (enable) bit. */
    public static final long MTRR_ENABLE = 1 << 11;
    /** Memory type write-back. */
    public static final long MTRR_TYPE_WB = 6;

    public static List<MsrEntry> entries() {
        return List.of(
                new MsrEntry(IA32_SYSENTER_CS, 0),
                new MsrEntry(IA32_SYSENTER_ESP, 0),
                new MsrEntry(IA32_SYSENTER_EIP, 0),
                new MsrEntry(STAR, 0),
                new MsrEntry(CSTAR, 0),
                new MsrEntry(KERNEL_GS_BASE, 0),
                new MsrEntry(SYSCALL_MASK, 0),
                new MsrEntry(LSTAR, 0),
                new MsrEntry(IA32_TSC, 0),
                new MsrEntry(IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING),
                new MsrEntry(MTRR_DEF_TYPE, MTRR_ENABLE | MTRR_TYPE_WB));
    }
}
