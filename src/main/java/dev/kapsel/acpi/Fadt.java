package dev.kapsel.acpi;

import dev.kapsel.arch.x86.Layout;

/**
 * The Fixed ACPI Description Table, signature {@code FACP} (ACPI 6.5, 5.2.9), revision 6, for a
 * hardware-reduced platform: no PM1/GPE blocks, no SCI, no FACS; power off through the
 * SLEEP_CONTROL_REG and reboot through RESET_REG, both at {@link Layout#ACPI_SLEEP_CONTROL_PORT}.
 */
public final class Fadt {
    public static final String SIGNATURE = "FACP";
    public static final int REVISION = 6;
    /** Minor version (ACPI 6.5). */
    public static final int MINOR_REVISION = 5;
    /** Length of a revision-6 FADT, through the Hypervisor Vendor Identity. */
    public static final int LENGTH = 276;

    /** Flags: RESET_REG is supported. */
    public static final int FLAG_RESET_REG_SUP = 1 << 10;
    /** Flags: the platform is ACPI hardware-reduced. */
    public static final int FLAG_HW_REDUCED_ACPI = 1 << 20;

    /** IAPC_BOOT_ARCH: the motherboard has an 8042 (so Linux probes the i8042). */
    public static final int IAPC_BOOT_ARCH_8042 = 1 << 1;
    /** IAPC_BOOT_ARCH: no VGA hardware, do not probe for it. */
    public static final int IAPC_BOOT_ARCH_VGA_NOT_PRESENT = 1 << 2;
    /**
     * IAPC_BOOT_ARCH: no CMOS RTC. A micro-VM has none; without this bit Linux's rtc_cmos probes
     * ports 0x70/0x71 and waits out its timeouts (about 3 s of boot under nested emulation).
     * The guest reads wall-clock time from kvm-clock instead.
     */
    public static final int IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT = 1 << 5;

    /** Value written to RESET_REG to reset the machine. */
    public static final int RESET_VALUE = 0x01;
    public static final String HYPERVISOR_VENDOR = "KAPSEL";

    /** Field offsets from the start of the table, for tests and readers. */
    static final int OFFSET_IAPC_BOOT_ARCH = 109;
    static final int OFFSET_FLAGS = 112;
    static final int OFFSET_RESET_REG = 116;
    static final int OFFSET_RESET_VALUE = 128;
    static final int OFFSET_X_DSDT = 140;
    static final int OFFSET_SLEEP_CONTROL_REG = 244;
    static final int OFFSET_SLEEP_STATUS_REG = 256;
    static final int OFFSET_HYPERVISOR_VENDOR = 268;

    private Fadt() {}

    /** The FADT pointing at the DSDT at guest-physical {@code dsdtAddress}. */
    public static byte[] build(long dsdtAddress) {
        LittleEndianBytes b = new LittleEndianBytes();
        b.u32(0); //  36 FIRMWARE_CTRL: no FACS
        b.u32(0); //  40 DSDT: 0, X_DSDT is used
        b.u8(0); //   44 reserved
        b.u8(0); //   45 Preferred_PM_Profile: unspecified
        b.u16(0); //  46 SCI_INT: none in hardware-reduced mode
        b.u32(0); //  48 SMI_CMD
        b.u8(0).u8(0).u8(0).u8(0); // 52 ACPI_ENABLE, ACPI_DISABLE, S4BIOS_REQ, PSTATE_CNT
        b.zeros(8 * 4); // 56 PM1a/b_EVT, PM1a/b_CNT, PM2_CNT, PM_TMR, GPE0, GPE1 blocks
        b.zeros(8); //  88 PM1_EVT_LEN .. CST_CNT
        b.u16(0).u16(0); // 96 P_LVL2_LAT, P_LVL3_LAT
        b.u16(0).u16(0); // 100 FLUSH_SIZE, FLUSH_STRIDE
        b.u8(0).u8(0); // 104 DUTY_OFFSET, DUTY_WIDTH
        b.u8(0).u8(0).u8(0); // 106 DAY_ALRM, MON_ALRM, CENTURY
        b.u16(IAPC_BOOT_ARCH_8042 | IAPC_BOOT_ARCH_VGA_NOT_PRESENT | IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT); // 109 IAPC_BOOT_ARCH
        b.u8(0); // 111 reserved
        b.u32(FLAG_HW_REDUCED_ACPI | FLAG_RESET_REG_SUP); // 112 Flags
        GenericAddress.ioPortByte(Layout.ACPI_SLEEP_CONTROL_PORT).writeTo(b); // 116 RESET_REG
        b.u8(RESET_VALUE); // 128 RESET_VALUE
        b.u16(0); // 129 ARM_BOOT_ARCH
        b.u8(MINOR_REVISION); // 131 FADT Minor Version
        b.u64(0); // 132 X_FIRMWARE_CTRL
        b.u64(dsdtAddress); // 140 X_DSDT
        b.zeros(8 * GenericAddress.LENGTH); // 148 X_PM1a_EVT_BLK .. X_GPE1_BLK
        GenericAddress.ioPortByte(Layout.ACPI_SLEEP_CONTROL_PORT).writeTo(b); // 244 SLEEP_CONTROL_REG
        GenericAddress.ioPortByte(Layout.ACPI_SLEEP_STATUS_PORT).writeTo(b); // 256 SLEEP_STATUS_REG
        b.ascii(HYPERVISOR_VENDOR, 8, '\0'); // 268 Hypervisor Vendor Identity
        if (SdtHeader.LENGTH + b.size() != LENGTH) {
            throw new AssertionError("FADT body is " + b.size() + " bytes");
        }
        return SdtHeader.table(SIGNATURE, REVISION, "KPSLFACP", b.toByteArray());
    }
}
