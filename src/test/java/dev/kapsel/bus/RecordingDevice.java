package dev.kapsel.bus;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A device that records every access and the bytes written to it, and answers a read with a byte
 * derived from each byte's offset (so the byte order of a wide read is visible).
 */
public final class RecordingDevice implements BusDevice {
    public record Access(boolean write, long offset, int width) {}

    final String name;
    public final List<Access> accesses = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    public RecordingDevice(String name) {
        this.name = name;
    }

    /** What a read returns at {@code offset}. */
    public static byte marker(long offset) {
        return (byte) (0x40 ^ offset);
    }

    @Override
    public void read(long offset, byte[] data) {
        accesses.add(new Access(false, offset, data.length));
        for (int i = 0; i < data.length; i++) {
            data[i] = marker(offset + i);
        }
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        accesses.add(new Access(true, offset, data.length));
        written.writeBytes(data);
    }

    /** Every byte written, in order. */
    public synchronized byte[] written() {
        return written.toByteArray();
    }

    @Override
    public String toString() {
        return name;
    }
}
