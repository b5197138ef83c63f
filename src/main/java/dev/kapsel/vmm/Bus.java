package dev.kapsel.vmm;

import java.util.Map;
import java.util.TreeMap;

/** Placeholder bus until the full implementation lands (address-range dispatch). */
public final class Bus {
    private record Range(long base, long length, BusDevice device) {}

    private final TreeMap<Long, Range> ranges = new TreeMap<>();

    public synchronized void insert(long base, long length, BusDevice device) {
        ranges.put(base, new Range(base, length, device));
    }

    private synchronized Range find(long address, int width) {
        Map.Entry<Long, Range> e = ranges.floorEntry(address);
        if (e == null) {
            return null;
        }
        Range r = e.getValue();
        return address - r.base + width <= r.length ? r : null;
    }

    public boolean read(long address, byte[] data) {
        Range r = find(address, data.length);
        if (r == null) {
            return false;
        }
        r.device.read(address - r.base, data);
        return true;
    }

    public boolean write(long address, byte[] data) {
        Range r = find(address, data.length);
        if (r == null) {
            return false;
        }
        r.device.write(address - r.base, data);
        return true;
    }
}
