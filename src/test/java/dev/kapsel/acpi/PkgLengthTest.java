package dev.kapsel.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** PkgLength encoding: the spec boundary cases and round trips through an independent decoder. */
class PkgLengthTest {
    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** Independent reading of ACPI 6.5 20.2.4: lead byte bits 6-7 count the following bytes. */
    private static int decode(byte[] encoded) {
        int lead = encoded[0] & 0xff;
        int following = lead >>> 6;
        if (following == 0) {
            return lead & 0x3f;
        }
        int value = lead & 0x0f;
        for (int i = 1; i <= following; i++) {
            value |= (encoded[i] & 0xff) << (4 + 8 * (i - 1));
        }
        return value;
    }

    @Test
    void boundaryLengthsUseTheSpecifiedForms() {
        assertArrayEquals(bytes(0x3f), PkgLength.encode(63));
        assertArrayEquals(bytes(0x40, 0x04), PkgLength.encode(64));
        assertArrayEquals(bytes(0x4f, 0xff), PkgLength.encode(4095));
        assertArrayEquals(bytes(0x80, 0x00, 0x01), PkgLength.encode(4096));
        assertArrayEquals(bytes(0x8f, 0xff, 0xff), PkgLength.encode((1 << 20) - 1));
        assertArrayEquals(bytes(0xc0, 0x00, 0x00, 0x01), PkgLength.encode(1 << 20));
        assertArrayEquals(bytes(0xcf, 0xff, 0xff, 0xff), PkgLength.encode(PkgLength.MAX));
    }

    @Test
    void outOfRangeLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PkgLength.encode(-1));
        assertThrows(IllegalArgumentException.class, () -> PkgLength.encode(PkgLength.MAX + 1));
    }

    @Test
    void wrapCountsItsOwnBytes() {
        // 62 content bytes + 1 length byte = 63: still the one-byte form.
        assertArrayEquals(bytes(0x3f), head(PkgLength.wrap(new byte[62]), 1));
        // 63 content bytes need two length bytes: total 65 = 0x41.
        assertArrayEquals(bytes(0x41, 0x04), head(PkgLength.wrap(new byte[63]), 2));
        // 4093 + 2 = 4095: last two-byte length.
        assertArrayEquals(bytes(0x4f, 0xff), head(PkgLength.wrap(new byte[4093]), 2));
        // 4094 + 2 = 4096 does not fit in 12 bits, so three bytes: 4094 + 3 = 4097.
        assertArrayEquals(bytes(0x81, 0x00, 0x01), head(PkgLength.wrap(new byte[4094]), 3));
    }

    @Property
    void encodeRoundTrips(@ForAll @IntRange(min = 0, max = PkgLength.MAX) int length) {
        byte[] encoded = PkgLength.encode(length);
        assertEquals(length, decode(encoded));
        int expectedSize = length <= 63 ? 1 : length < 1 << 12 ? 2 : length < 1 << 20 ? 3 : 4;
        assertEquals(expectedSize, encoded.length);
        if (encoded.length > 1) {
            assertEquals(0, encoded[0] & 0x30, "bits 4-5 of a multi-byte lead are reserved");
        }
    }

    @Property(tries = 200)
    void wrapLengthCoversHeaderAndContent(@ForAll @IntRange(min = 0, max = 1 << 21) int contentLength) {
        byte[] wrapped = PkgLength.wrap(new byte[contentLength]);
        int header = wrapped.length - contentLength;
        assertEquals(wrapped.length, decode(wrapped));
        assertEquals(header, ((wrapped[0] & 0xff) >>> 6) + 1);
    }

    private static byte[] head(byte[] data, int n) {
        return java.util.Arrays.copyOf(data, n);
    }
}
