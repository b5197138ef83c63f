package dev.kapsel.agent;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the big-endian fields of one payload, refusing to read past its end or to trust a count. */
final class PayloadReader {
    private final ByteBuffer buf;
    private final String what;

    PayloadReader(byte[] payload, String what) {
        this.buf = ByteBuffer.wrap(payload);
        this.what = what;
    }

    private void need(long n) throws MalformedPayloadException {
        if (buf.remaining() < n) {
            throw new MalformedPayloadException(what + " payload is truncated: needs " + n + " more bytes, has "
                    + buf.remaining());
        }
    }

    int u8() throws MalformedPayloadException {
        need(1);
        return buf.get() & 0xff;
    }

    int u16() throws MalformedPayloadException {
        need(2);
        return buf.getShort() & 0xffff;
    }

    int u32() throws MalformedPayloadException {
        need(4);
        return buf.getInt();
    }

    long u64() throws MalformedPayloadException {
        need(8);
        return buf.getLong();
    }

    byte[] bytes(int n) throws MalformedPayloadException {
        need(n);
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    /** A count of items each at least minItemBytes long: checked against what is left before use. */
    int count(int minItemBytes, String items) throws MalformedPayloadException {
        long n = Integer.toUnsignedLong(u32());
        if (n * minItemBytes > buf.remaining()) {
            throw new MalformedPayloadException(what + " payload claims " + n + " " + items + " but has only "
                    + buf.remaining() + " bytes left");
        }
        return (int) n;
    }

    String string(String field) throws MalformedPayloadException {
        long n = Integer.toUnsignedLong(u32());
        need(n);
        byte[] bytes = new byte[(int) n];
        buf.get(bytes);
        for (byte b : bytes) {
            if (b == 0) {
                throw new InvalidUtf8Exception(what + " " + field);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUtf8Exception(what + " " + field);
        }
    }

    List<String> strings(String field) throws MalformedPayloadException {
        int n = count(4, field + " entries");
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(string(field));
        }
        return list;
    }

    void end() throws MalformedPayloadException {
        if (buf.hasRemaining()) {
            throw new MalformedPayloadException(what + " payload has " + buf.remaining() + " trailing bytes");
        }
    }
}
