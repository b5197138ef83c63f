package dev.kapsel.state;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.BiConsumer;

/**
 * Builds a snapshot's state body: fixed-width little-endian integers, length-prefixed byte strings and
 * UTF-8 text, nothing self-describing; {@link StateReader} reads the same fields back in the same order.
 */
public final class StateWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public StateWriter u8(int v) {
        out.write(v);
        return this;
    }

    public StateWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public StateWriter i32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    public StateWriter i64(long v) {
        i32((int) v);
        return i32((int) (v >>> 32));
    }

    public StateWriter bytes(byte[] v) {
        i32(v.length);
        out.writeBytes(v);
        return this;
    }

    /** The {@code count} bytes of a ring buffer from {@code head} on, oldest first, as one byte string. */
    public StateWriter ring(byte[] ring, int head, int count) {
        byte[] v = new byte[count];
        for (int i = 0; i < count; i++) {
            v[i] = ring[(head + i) % ring.length];
        }
        return bytes(v);
    }

    public StateWriter string(String v) {
        return bytes(v.getBytes(StandardCharsets.UTF_8));
    }

    /** A count, then each element as {@code each} writes it. */
    public <T> StateWriter list(Collection<T> items, BiConsumer<StateWriter, T> each) {
        i32(items.size());
        for (T item : items) {
            each.accept(this, item);
        }
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
