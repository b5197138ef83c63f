package dev.kapsel.devices.legacy;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.bus.BusDevice;
import java.util.Arrays;
import java.util.Objects;

/**
 * The sleep and reset registers of a hardware-reduced ACPI platform (ACPI 6.x, section 4.8.3.7),
 * on two ports from {@link Layout#ACPI_SLEEP_CONTROL_PORT}: offset 0 is SLEEP_CONTROL_REG (also the
 * FADT RESET_REG), offset 1 SLEEP_STATUS_REG. This is how a guest without a legacy PM1 block asks to
 * power off or reboot.
 *
 * <ul>
 *   <li>Writing {@link #RESET_VALUE} (the FADT RESET_VALUE) to offset 0 calls {@code onReset}.
 *   <li>Writing to offset 0 a value with SLP_EN (bit 5) set and SLP_TYP (bits 2-4) equal to
 *       {@link #SLP_TYP_S5} (the \_S5 package of the DSDT) calls {@code onPowerOff}.
 *   <li>Other sleep types are ignored (the VM supports no S1-S4), as are writes to offset 1 and
 *       writes wider than one byte. Reads return 0: never "woken".
 * </ul>
 *
 * <p>The callbacks run on the vCPU thread that made the access; they should only signal the VMM.
 */
public final class AcpiPowerDevice implements BusDevice {
    /** Number of ports: sleep control and sleep status. */
    public static final int PORT_COUNT = 2;
    /** FADT RESET_VALUE written to RESET_REG (= SLEEP_CONTROL_REG here) to reset the system. */
    public static final int RESET_VALUE = 0x01;
    /** Sleep type of the soft-off state S5, as the DSDT's \_S5 object must declare it. */
    public static final int SLP_TYP_S5 = 5;

    static final int SLEEP_CONTROL_OFFSET = 0;
    static final int SLP_EN = 1 << 5;
    private static final int SLP_TYP_SHIFT = 2;
    private static final int SLP_TYP_MASK = 0x7;

    private final Runnable onReset;
    private final Runnable onPowerOff;

    public AcpiPowerDevice(Runnable onReset, Runnable onPowerOff) {
        this.onReset = Objects.requireNonNull(onReset, "onReset");
        this.onPowerOff = Objects.requireNonNull(onPowerOff, "onPowerOff");
    }

    /** The sleep control value that asks for S5 (soft off). */
    public static int sleepControlValue(int slpTyp) {
        return ((slpTyp & SLP_TYP_MASK) << SLP_TYP_SHIFT) | SLP_EN;
    }

    @Override
    public void read(long offset, byte[] data) {
        Arrays.fill(data, (byte) 0);
    }

    @Override
    public void write(long offset, byte[] data) {
        if (offset != SLEEP_CONTROL_OFFSET || data.length != 1) {
            return;
        }
        int value = Byte.toUnsignedInt(data[0]);
        if (value == RESET_VALUE) {
            onReset.run();
        } else if ((value & SLP_EN) != 0 && ((value >> SLP_TYP_SHIFT) & SLP_TYP_MASK) == SLP_TYP_S5) {
            onPowerOff.run();
        }
    }
}
