package dev.kapsel.arch.x86;

import dev.kapsel.memory.LittleEndian;

/**
 * Boot setup of the in-kernel local APIC, on the 1024-byte register page of
 * {@code struct kvm_lapic_state}: LINT0 delivers ExtINT (the legacy PIC) and LINT1 delivers NMI,
 * as a BIOS leaves them.
 */
public final class LocalApic {
    private LocalApic() {}

    public static final int REGS_SIZE = 1024;
    public static final int LVT_LINT0 = 0x350;
    public static final int LVT_LINT1 = 0x360;
    public static final int DELIVERY_MODE_NMI = 0x4;
    public static final int DELIVERY_MODE_EXTINT = 0x7;
    private static final int DELIVERY_MODE_MASK = 0x700;

    /** Sets the delivery modes of LINT0 and LINT1 in place, keeping every other bit. */
    public static void configureLint(byte[] regs) {
        if (regs.length != REGS_SIZE) {
            throw new IllegalArgumentException("kvm_lapic_state.regs is 1024 bytes, got " + regs.length);
        }
        setDeliveryMode(regs, LVT_LINT0, DELIVERY_MODE_EXTINT);
        setDeliveryMode(regs, LVT_LINT1, DELIVERY_MODE_NMI);
    }

    public static int readRegister(byte[] regs, int offset) {
        return LittleEndian.get32(regs, offset);
    }

    private static void setDeliveryMode(byte[] regs, int offset, int mode) {
        int v = (readRegister(regs, offset) & ~DELIVERY_MODE_MASK) | (mode << 8);
        LittleEndian.put32(regs, offset, v);
    }
}
