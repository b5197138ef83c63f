package dev.kapsel.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads back what a {@link StateWriter} wrote, field by field. Every read is bounds-checked: a body that
 * ends early or whose length prefix points past its end is a {@link StateFormatException}, never an
 * out-of-bounds read or a huge allocation.
 */
public final class StateReader {
    private final byte[] data;
    private int position;

    public StateReader(byte[] data) {
        this.data = data;
    }

    private void need(long n, String what) {
        if (n < 0 || position + n > data.length) {
            throw new StateFormatException("the state ends inside " + what + " (at byte " + position + " of " + data.length + ")");
        }
    }

    public int u8() {
        need(1, "a byte");
        return Byte.toUnsignedInt(data[position++]);
    }

    public boolean bool() {
        int v = u8();
        if (v > 1) {
            throw new StateFormatException("a boolean field holds " + v + " at byte " + (position - 1));
        }
        return v == 1;
    }

    public int i32() {
        need(4, "a 32-bit field");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= Byte.toUnsignedInt(data[position++]) << (8 * i);
        }
        return v;
    }

    public long i64() {
        long low = Integer.toUnsignedLong(i32());
        return low | ((long) i32() << 32);
    }

    public byte[] bytes() {
        int n = i32();
        need(n, "a byte string of " + Integer.toUnsignedString(n) + " bytes");
        byte[] v = new byte[n];
        System.arraycopy(data, position, v, 0, n);
        position += n;
        return v;
    }

    /**
     * A byte string of at most {@code max} bytes, the contents of a device's fixed-size buffer (as
     * {@link StateWriter#ring} wrote it); {@code what} names the buffer in the error for a longer one.
     */
    public byte[] bytes(int max, String what) {
        byte[] v = bytes();
        if (v.length > max) {
            throw new StateFormatException(what + " of " + v.length + " bytes, more than " + max);
        }
        return v;
    }

    public String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** A count, then that many elements read by {@code each}; the count is checked against what is left. */
    public <T> List<T> list(Function<StateReader, T> each) {
        int n = i32();
        need(n, "a list of " + Integer.toUnsignedString(n) + " elements"); // every element takes at least a byte
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(each.apply(this));
        }
        return out;
    }

    /** Fails unless every byte was read: a longer body is from another layout. */
    public void end() {
        if (position != data.length) {
            throw new StateFormatException((data.length - position) + " bytes are left over after the state");
        }
    }
}
