package dev.kapsel.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;

import dev.kapsel.acpi.ResourceTemplate.Polarity;
import dev.kapsel.acpi.ResourceTemplate.Sharing;
import dev.kapsel.acpi.ResourceTemplate.Trigger;
import org.junit.jupiter.api.Test;

/** Resource descriptor encodings and the End Tag checksum. */
class ResourceTemplateTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void com1Descriptors() {
        byte[] data = new ResourceTemplate().io(0x3f8, 0x3f8, 1, 8).irqNoFlags(4).toResourceData();
        // IO(Decode16, 0x3F8, 0x3F8, 0x01, 0x08), IRQNoFlags(){4}, EndTag + checksum.
        assertArrayEquals(hex("47 01 f8 03 f8 03 01 08  22 10 00  79"), java.util.Arrays.copyOf(data, 12));
        assertEquals(0, Checksum.sum(data, 0, data.length), "End Tag checksum makes the template sum to zero");
    }

    @Test
    void memory32FixedAndExtendedInterrupt() {
        byte[] data = new ResourceTemplate()
                .memory32Fixed(true, 0xd000_0000L, 0x1000)
                .extendedInterrupt(Trigger.EDGE, Polarity.ACTIVE_HIGH, Sharing.EXCLUSIVE, 5)
                .toResourceData();
        assertArrayEquals(hex("86 09 00 01 00 00 00 d0 00 10 00 00  89 06 00 03 01 05 00 00 00  79"),
                java.util.Arrays.copyOf(data, 22));
        assertEquals(23, data.length);
        assertEquals(0, Checksum.sum(data, 0, data.length));
    }

    @Test
    void extendedInterruptFlags() {
        byte[] level = new ResourceTemplate()
                .extendedInterrupt(Trigger.LEVEL, Polarity.ACTIVE_LOW, Sharing.SHARED, 0x20)
                .toResourceData();
        assertEquals(0x01 | 0x04 | 0x08, level[3]);
    }

    @Test
    void templateIsABuffer() {
        byte[] aml = new ResourceTemplate().irqNoFlags(1).toAml();
        // Buffer (0x05) { 22 02 00 79 xx }
        assertArrayEquals(hex("11 08 0a 05 22 02 00 79"), java.util.Arrays.copyOf(aml, 8));
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().irqNoFlags(16));
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().io(0x10000, 0, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new ResourceTemplate().memory32Fixed(true, 0xffff_f000L, 0x2000));
    }
}
