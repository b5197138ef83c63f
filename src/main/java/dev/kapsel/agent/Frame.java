package dev.kapsel.agent;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One frame of the agent protocol: {@code u32 length | u8 type | u32 process id | payload}, big-endian,
 * where length counts the type, the id and the payload and is at most {@link #MAX_LENGTH}.
 */
public record Frame(FrameType type, int processId, byte[] payload) {
    /** Bytes of the length field. */
    public static final int LENGTH_FIELD = 4;
    /** Bytes of type and process id, the least a length can be. */
    public static final int HEADER_LENGTH = 5;
    /** The largest length field either side accepts: 1 MiB. */
    public static final int MAX_LENGTH = 1 << 20;
    /** The largest payload. */
    public static final int MAX_PAYLOAD = MAX_LENGTH - HEADER_LENGTH;

    public Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
    }

    /** A frame without payload. */
    public static Frame of(FrameType type, int processId) {
        return new Frame(type, processId, new byte[0]);
    }

    /** The frame's bytes on the wire. */
    public byte[] encode() {
        return ByteBuffer.allocate(LENGTH_FIELD + HEADER_LENGTH + payload.length)
                .putInt(HEADER_LENGTH + payload.length)
                .put((byte) type.code())
                .putInt(processId)
                .put(payload)
                .array();
    }

    /** Writes the frame in one call (callers serialise writers) and flushes. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(encode());
        out.flush();
    }

    /**
     * Reads the next frame, or returns null when the stream ends cleanly between frames. The length is
     * checked before anything is allocated, so a hostile length cannot make this allocate more than 1 MiB.
     */
    public static Frame readFrom(InputStream in) throws IOException {
        byte[] lengthField = new byte[LENGTH_FIELD];
        int got = readFully(in, lengthField);
        if (got == 0) {
            return null;
        }
        if (got < LENGTH_FIELD) {
            throw new TruncatedFrameException(LENGTH_FIELD, got);
        }
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(lengthField).getInt());
        if (length > MAX_LENGTH) {
            throw new FrameTooLargeException(length);
        }
        if (length < HEADER_LENGTH) {
            throw new MalformedPayloadException("agent frame length " + length + " is shorter than the "
                    + HEADER_LENGTH + "-byte header");
        }
        byte[] body = new byte[(int) length];
        got = readFully(in, body);
        if (got < body.length) {
            throw new TruncatedFrameException(LENGTH_FIELD + length, LENGTH_FIELD + got);
        }
        int code = body[0] & 0xff;
        FrameType type = FrameType.of(code).orElseThrow(() -> new UnknownFrameTypeException(code));
        int id = ByteBuffer.wrap(body, 1, 4).getInt();
        return new Frame(type, id, Arrays.copyOfRange(body, HEADER_LENGTH, body.length));
    }

    /** Reads until buf is full or the stream ends; returns how many bytes were read. */
    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r;
            try {
                r = in.read(buf, n, buf.length - n);
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && f.processId == processId && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, processId, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return type + "[" + Integer.toUnsignedString(processId) + ", " + payload.length + " bytes]";
    }
}
