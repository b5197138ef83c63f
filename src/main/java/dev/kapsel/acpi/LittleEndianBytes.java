package dev.kapsel.acpi;

import dev.kapsel.memory.LittleEndian;
import java.util.Arrays;

/**
 * A growable byte array written in little-endian order, the byte order of every ACPI structure.
 * Package-private plumbing for the table and AML encoders.
 */
final class LittleEndianBytes {
    private byte[] buf = new byte[64];
    private int size;

    LittleEndianBytes u8(int value) {
        ensure(1);
        buf[size++] = (byte) value;
        return this;
    }

    LittleEndianBytes u16(int value) {
        ensure(2);
        LittleEndian.put16(buf, size, value);
        size += 2;
        return this;
    }

    LittleEndianBytes u32(long value) {
        ensure(4);
        LittleEndian.put32(buf, size, value);
        size += 4;
        return this;
    }

    LittleEndianBytes u64(long value) {
        ensure(8);
        LittleEndian.put64(buf, size, value);
        size += 8;
        return this;
    }

    LittleEndianBytes bytes(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, buf, size, data.length);
        size += data.length;
        return this;
    }

    /** Writes {@code text} as ASCII, padded with {@code pad} or failing if longer than {@code width}. */
    LittleEndianBytes ascii(String text, int width, char pad) {
        if (text.length() > width) {
            throw new IllegalArgumentException("'" + text + "' is longer than " + width + " characters");
        }
        for (int i = 0; i < width; i++) {
            char c = i < text.length() ? text.charAt(i) : pad;
            if (c > 0x7e || (c < 0x20 && c != 0)) {
                throw new IllegalArgumentException("'" + text + "' is not printable ASCII");
            }
            u8(c);
        }
        return this;
    }

    LittleEndianBytes zeros(int count) {
        ensure(count);
        size += count;
        return this;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
