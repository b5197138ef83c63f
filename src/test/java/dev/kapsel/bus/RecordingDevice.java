package dev.kapsel.bus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A device that records every access and answers reads with a byte derived from the offset. */
final class RecordingDevice implements BusDevice {
    record Access(boolean write, long offset, int width) {}

    final String name;
    final List<Access> accesses = Collections.synchronizedList(new ArrayList<>());

    RecordingDevice(String name) {
        this.name = name;
    }

    static byte marker(long offset) {
        return (byte) (0x40 ^ offset);
    }

    @Override
    public void read(long offset, byte[] data) {
        accesses.add(new Access(false, offset, data.length));
        java.util.Arrays.fill(data, marker(offset));
    }

    @Override
    public void write(long offset, byte[] data) {
        accesses.add(new Access(true, offset, data.length));
    }

    @Override
    public String toString() {
        return name;
    }
}
