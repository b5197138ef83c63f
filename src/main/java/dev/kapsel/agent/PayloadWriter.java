package dev.kapsel.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds a payload from big-endian fields and length-prefixed UTF-8 strings. */
final class PayloadWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PayloadWriter u8(int v) {
        out.write(v);
        return this;
    }

    PayloadWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    PayloadWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    PayloadWriter u32(int v) {
        u16(v >>> 16);
        return u16(v & 0xffff);
    }

    PayloadWriter u64(long v) {
        u32((int) (v >>> 32));
        return u32((int) v);
    }

    PayloadWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(b.length);
        out.writeBytes(b);
        return this;
    }

    PayloadWriter strings(List<String> list) {
        u32(list.size());
        list.forEach(this::string);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
