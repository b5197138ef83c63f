package dev.kapsel.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LittleEndianTest {
    @Test
    void theLowByteComesFirstAtAnyOffset() {
        byte[] b = new byte[15];
        LittleEndian.put16(b, 1, 0xbeef);
        LittleEndian.put32(b, 3, 0x1234_5678L);
        LittleEndian.put64(b, 7, 0x0102_0304_0506_0708L);
        assertArrayEquals(new byte[] {0, (byte) 0xef, (byte) 0xbe, 0x78, 0x56, 0x34, 0x12, 8, 7, 6, 5, 4, 3, 2, 1}, b);
        assertEquals(0xbeef, LittleEndian.get16(b, 1), "16 bits read unsigned");
        assertEquals(0x1234_5678, LittleEndian.get32(b, 3));
        assertEquals(0x0102_0304_0506_0708L, LittleEndian.get64(b, 7));
    }

    @Test
    void storesKeepTheLowBitsAndStayInsideTheArray() {
        byte[] b = new byte[4];
        LittleEndian.put32(b, 0, 0xffff_fffe_0000_0001L);
        assertEquals(1, LittleEndian.get32(b, 0));
        LittleEndian.put16(b, 2, 0x1_0002);
        assertEquals(2, LittleEndian.get16(b, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> LittleEndian.put32(b, 1, 0));
    }
}
