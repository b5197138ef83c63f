package dev.kapsel.devices.legacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.bus.Bus;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AcpiPowerDeviceTest {
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger powerOffs = new AtomicInteger();
    private final AcpiPowerDevice device = new AcpiPowerDevice(resets::incrementAndGet, powerOffs::incrementAndGet);

    private void write(long offset, int value) {
        device.write(offset, new byte[] {(byte) value});
    }

    @Test
    void resetValueResets() {
        write(0, 0x01);
        assertEquals(1, resets.get());
        assertEquals(0, powerOffs.get());
    }

    @Test
    void s5WithSleepEnablePowersOff() {
        write(0, 0x34); // SLP_EN | SLP_TYP=5 << 2, what Linux's acpi_hw_extended_sleep writes
        assertEquals(1, powerOffs.get());
        assertEquals(0, resets.get());
        assertEquals(0x34, AcpiPowerDevice.sleepControlValue(AcpiPowerDevice.SLP_TYP_S5));
    }

    @Test
    void s5WithoutSleepEnableOrOtherSleepTypesAreIgnored() {
        write(0, 5 << 2); // SLP_TYP=5 but SLP_EN clear: only programs the type
        for (int slpTyp = 0; slpTyp < 8; slpTyp++) {
            if (slpTyp != AcpiPowerDevice.SLP_TYP_S5) {
                write(0, AcpiPowerDevice.sleepControlValue(slpTyp));
            }
        }
        assertEquals(0, powerOffs.get());
        assertEquals(0, resets.get());
    }

    @Test
    void statusRegisterAndWideWritesAreIgnored() {
        write(1, 0x01);
        write(1, 0x34);
        device.write(0, new byte[] {0x01, 0x00});
        device.write(0, new byte[] {0x34, 0x00});
        assertEquals(0, resets.get());
        assertEquals(0, powerOffs.get());
    }

    @Test
    void readsReturnZero() {
        byte[] data = {(byte) 0xaa, (byte) 0xbb};
        device.read(0, data);
        assertArrayEquals(new byte[2], data);
        byte[] one = {(byte) 0xcc};
        device.read(1, one);
        assertEquals(0, one[0]);
    }

    @Test
    void reachableOnThePortsTheLayoutNames() {
        Bus pio = new Bus("pio");
        pio.insert(Layout.ACPI_SLEEP_CONTROL_PORT, AcpiPowerDevice.PORT_COUNT, device);
        pio.write(Layout.ACPI_SLEEP_CONTROL_PORT, new byte[] {0x34});
        pio.write(Layout.ACPI_SLEEP_STATUS_PORT, new byte[] {0x01});
        assertEquals(1, powerOffs.get());
        assertEquals(0, resets.get());
        assertEquals(Layout.ACPI_SLEEP_CONTROL_PORT + 1, Layout.ACPI_SLEEP_STATUS_PORT);
    }
}
