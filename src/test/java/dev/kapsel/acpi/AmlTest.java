package dev.kapsel.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** AML term encodings checked against byte sequences from the ACPI spec and iasl output. */
class AmlTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void integersUseTheShortestPrefix() {
        assertArrayEquals(hex("00"), Aml.integer(0));
        assertArrayEquals(hex("01"), Aml.integer(1));
        assertArrayEquals(hex("0a 02"), Aml.integer(2));
        assertArrayEquals(hex("0a ff"), Aml.integer(0xff));
        assertArrayEquals(hex("0b 00 01"), Aml.integer(0x100));
        assertArrayEquals(hex("0b ff ff"), Aml.integer(0xffff));
        assertArrayEquals(hex("0c 00 00 01 00"), Aml.integer(0x1_0000));
        assertArrayEquals(hex("0c 00 00 00 d0"), Aml.integer(0xd000_0000L));
        assertArrayEquals(hex("0e 00 00 00 00 01 00 00 00"), Aml.integer(0x1_0000_0000L));
        assertArrayEquals(hex("0e ff ff ff ff ff ff ff ff"), Aml.integer(-1L));
    }

    @Test
    void eisaIdCompressesAsTheSpecSays() {
        assertEquals(0x0105D041, EisaId.compress("PNP0501"));
        assertEquals(0x0303D041, EisaId.compress("PNP0303"));
        assertEquals(0x030AD041, EisaId.compress("PNP0A03"));
        assertArrayEquals(hex("0c 41 d0 05 01"), Aml.eisaId("PNP0501"));
        assertThrows(IllegalArgumentException.class, () -> EisaId.compress("PNP050"));
        assertThrows(IllegalArgumentException.class, () -> EisaId.compress("pnp0501"));
        assertThrows(IllegalArgumentException.class, () -> EisaId.compress("PNP+501"));
    }

    @Test
    void stringsAreNulTerminated() {
        assertArrayEquals(hex("0d 4c 4e 52 4f 30 30 30 35 00"), Aml.string("LNRO0005"));
        assertArrayEquals(hex("0d 00"), Aml.string(""));
        assertThrows(IllegalArgumentException.class, () -> Aml.string("a\0b"));
    }

    @Test
    void namePathsUseRootDualAndMultiPrefixes() {
        assertArrayEquals(hex("5f 53 42 5f"), AmlName.namePath("_SB"));
        assertArrayEquals(hex("5c 5f 53 42 5f"), AmlName.namePath("\\_SB_"));
        assertArrayEquals(hex("5c 2e 5f 53 42 5f 43 4f 4d 31"), AmlName.namePath("\\_SB_.COM1"));
        assertArrayEquals(hex("5c 2f 03 5f 53 42 5f 50 43 49 30 53 42 52 47"), AmlName.namePath("\\_SB.PCI0.SBRG"));
        assertArrayEquals(hex("5e 5e 46 4f 4f 5f"), AmlName.namePath("^^FOO"));
        assertArrayEquals(hex("5c 00"), AmlName.namePath("\\"));
        assertThrows(IllegalArgumentException.class, () -> AmlName.nameSeg("1ABC"));
        assertThrows(IllegalArgumentException.class, () -> AmlName.nameSeg("ABCDE"));
        assertThrows(IllegalArgumentException.class, () -> AmlName.nameSeg("ab"));
        assertThrows(IllegalArgumentException.class, () -> AmlName.namePath("\\_SB..X"));
    }

    @Test
    void s5PackageMatchesIaslOutput() {
        // Name (_S5_, Package (0x04) {0x05, Zero, Zero, Zero}) as iasl compiles it.
        byte[] s5 = Aml.name("_S5_", Aml.packageOf(Aml.integer(5), Aml.integer(0), Aml.integer(0), Aml.integer(0)));
        assertArrayEquals(hex("08 5f 53 35 5f 12 07 04 0a 05 00 00 00"), s5);
    }

    @Test
    void methodReturningAConstant() {
        // Method (_STA, 0, NotSerialized) { Return (0x0F) }
        assertArrayEquals(hex("14 09 5f 53 54 41 00 a4 0a 0f"),
                Aml.method("_STA", 0, false, Aml.returnOf(Aml.integer(0x0f))));
        // Serialized with two arguments sets bit 3 and the count.
        assertArrayEquals(hex("14 08 46 4f 4f 5f 0a a4 01"), Aml.method("FOO", 2, true, Aml.returnOf(Aml.integer(1))));
    }

    @Test
    void deviceAndScopeWrapTheirContents() {
        // Device (COM1) { Name (_UID, Zero) }
        assertArrayEquals(hex("5b 82 0b 43 4f 4d 31 08 5f 55 49 44 00"),
                Aml.device("COM1", Aml.name("_UID", Aml.integer(0))));
        // Scope (\_SB) { }
        assertArrayEquals(hex("10 06 5c 5f 53 42 5f"), Aml.scope("\\_SB"));
    }

    @Test
    void largeBodiesGetLongerPkgLengths() {
        byte[] big = new byte[5000];
        byte[] buffer = Aml.buffer(big);
        // BufferOp, 3-byte PkgLength, WordPrefix 0x1388, data.
        assertEquals(0x11, buffer[0]);
        assertEquals(2, (buffer[1] & 0xff) >>> 6);
        assertArrayEquals(hex("0b 88 13"), java.util.Arrays.copyOfRange(buffer, 4, 7));
        assertEquals(1 + 3 + 3 + 5000, buffer.length);
    }

    @Test
    void packagesHoldAtMost255Elements() {
        byte[][] elements = new byte[256][];
        java.util.Arrays.fill(elements, Aml.integer(0));
        assertThrows(IllegalArgumentException.class, () -> Aml.packageOf(elements));
    }

    @Property
    void integersDecodeBackToTheirValue(@ForAll long value) {
        byte[] enc = Aml.integer(value);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(enc).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long decoded = switch (enc[0]) {
            case 0x00 -> 0;
            case 0x01 -> 1;
            case 0x0a -> b.get(1) & 0xffL;
            case 0x0b -> b.getShort(1) & 0xffffL;
            case 0x0c -> b.getInt(1) & 0xffff_ffffL;
            case 0x0e -> b.getLong(1);
            default -> throw new AssertionError("unexpected prefix " + enc[0]);
        };
        assertEquals(value, decoded);
        int significantBytes = (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
        int expectedLength = value == 0 || value == 1 ? 1 : significantBytes <= 1 ? 2 : significantBytes <= 2 ? 3
                : significantBytes <= 4 ? 5 : 9;
        assertEquals(expectedLength, enc.length, "shortest form");
    }
}
