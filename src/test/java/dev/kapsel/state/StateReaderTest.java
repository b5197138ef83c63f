package dev.kapsel.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateReaderTest {
    private static byte[] sample() {
        return new StateWriter().u8(0xfe).bool(true).i32(-2).i64(0x1122_3344_5566_7788L).bytes(new byte[] {1, 2, 3})
                .string("vda ü").list(List.of(7, 8), StateWriter::i32).toByteArray();
    }

    @Test
    void readsBackEveryFieldInOrder() {
        StateReader in = new StateReader(sample());
        assertEquals(0xfe, in.u8());
        assertTrue(in.bool());
        assertEquals(-2, in.i32());
        assertEquals(0x1122_3344_5566_7788L, in.i64());
        assertArrayEquals(new byte[] {1, 2, 3}, in.bytes());
        assertEquals("vda ü", in.string());
        assertEquals(List.of(7, 8), in.list(StateReader::i32));
        in.end();
    }

    @Test
    void everyCutShortBodyIsAFormatErrorNotAnOutOfBoundsRead() {
        byte[] full = sample();
        for (int n = 0; n < full.length; n++) {
            StateReader in = new StateReader(Arrays.copyOf(full, n));
            assertThrows(StateFormatException.class, () -> {
                in.u8();
                in.bool();
                in.i32();
                in.i64();
                in.bytes();
                in.string();
                in.list(StateReader::i32);
                in.end();
            }, "cut at " + n);
        }
    }

    @Test
    void aHugeLengthPrefixFailsBeforeAllocating() {
        byte[] lie = new StateWriter().i32(Integer.MAX_VALUE).toByteArray();
        assertThrows(StateFormatException.class, () -> new StateReader(lie).bytes());
        assertThrows(StateFormatException.class, () -> new StateReader(lie).list(StateReader::u8));
        assertThrows(StateFormatException.class, () -> new StateReader(new StateWriter().i32(-1).toByteArray()).bytes());
    }

    @Test
    void leftoverBytesAreRefused() {
        StateReader in = new StateReader(new StateWriter().i32(1).u8(0).toByteArray());
        in.i32();
        assertThrows(StateFormatException.class, in::end);
    }
}
