package dev.kapsel.acpi;

import java.util.ArrayList;
import java.util.List;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.acpi.ResourceTemplate.Polarity;
import dev.kapsel.acpi.ResourceTemplate.Sharing;
import dev.kapsel.acpi.ResourceTemplate.Trigger;

/**
 * The Differentiated System Description Table, signature {@code DSDT} (ACPI 6.5, 5.2.11.1): the
 * {@code \_S5_} soft-off sleep type, and under {@code \_SB} the COM1 16550 UART ({@code PNP0501}),
 * the i8042 keyboard controller ({@code PNP0303}) and one {@code LNRO0005} device per
 * virtio-mmio transport. Revision 2, so AML integers are 64 bits.
 */
public final class Dsdt {
    public static final String SIGNATURE = "DSDT";
    public static final int REVISION = 2;
    /**
     * SLP_TYP for S5. In hardware-reduced mode Linux powers off by writing
     * {@code SLP_TYP << 2 | SLP_EN (1 << 5)}, i.e. 0x34, to SLEEP_CONTROL_REG.
     */
    public static final int S5_SLEEP_TYPE = 5;
    public static final String VIRTIO_MMIO_HID = "LNRO0005";

    private Dsdt() {}

    public static byte[] build(List<VirtioMmioDevice> virtioDevices) {
        if (virtioDevices.size() > 0x1000) {
            throw new IllegalArgumentException("at most 4096 virtio-mmio devices can be named V000..VFFF");
        }
        List<byte[]> devices = new ArrayList<>();
        devices.add(com1());
        devices.add(i8042());
        for (int i = 0; i < virtioDevices.size(); i++) {
            devices.add(virtioMmio(i, virtioDevices.get(i)));
        }
        byte[] body = new LittleEndianBytes()
                .bytes(Aml.name("_S5_", Aml.packageOf(
                        Aml.integer(S5_SLEEP_TYPE), Aml.integer(0), Aml.integer(0), Aml.integer(0))))
                .bytes(Aml.scope("\\_SB_", devices.toArray(byte[][]::new)))
                .toByteArray();
        return SdtHeader.table(SIGNATURE, REVISION, "KPSLDSDT", body);
    }

    /** The AML name of the {@code index}-th virtio-mmio device: V000, V001, ... (hex). */
    public static String virtioDeviceName(int index) {
        return String.format("V%03X", index);
    }

    private static byte[] com1() {
        return Aml.device("COM1",
                Aml.name("_HID", Aml.eisaId("PNP0501")),
                Aml.name("_UID", Aml.integer(0)),
                Aml.name("_CRS", new ResourceTemplate()
                        .io(Layout.COM1_PORT, Layout.COM1_PORT, 1, 8)
                        .irqNoFlags(Layout.IRQ_COM1)
                        .toAml()));
    }

    private static byte[] i8042() {
        return Aml.device("PS2K",
                Aml.name("_HID", Aml.eisaId("PNP0303")),
                Aml.name("_CRS", new ResourceTemplate()
                        .io(Layout.I8042_DATA_PORT, Layout.I8042_DATA_PORT, 1, 1)
                        .io(Layout.I8042_COMMAND_PORT, Layout.I8042_COMMAND_PORT, 1, 1)
                        .irqNoFlags(Layout.IRQ_KEYBOARD)
                        .toAml()));
    }

    private static byte[] virtioMmio(int index, VirtioMmioDevice device) {
        return Aml.device(virtioDeviceName(index),
                Aml.name("_HID", Aml.string(VIRTIO_MMIO_HID)),
                Aml.name("_UID", Aml.integer(index)),
                Aml.name("_CRS", new ResourceTemplate()
                        .memory32Fixed(true, device.base().value(), device.size())
                        .extendedInterrupt(Trigger.EDGE, Polarity.ACTIVE_HIGH, Sharing.EXCLUSIVE, device.gsi())
                        .toAml()));
    }
}
