package dev.kapsel.devices.legacy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** An output stream that records what was written and what had been flushed at each flush. */
final class RecordingOutputStream extends OutputStream {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int flushedUpTo;
    private int flushes;

    @Override
    public synchronized void write(int b) {
        written.write(b);
    }

    @Override
    public synchronized void flush() {
        flushedUpTo = written.size();
        flushes++;
    }

    synchronized String flushedText() {
        return new String(written.toByteArray(), 0, flushedUpTo, StandardCharsets.ISO_8859_1);
    }

    synchronized int size() {
        return written.size();
    }

    synchronized int flushes() {
        return flushes;
    }
}
