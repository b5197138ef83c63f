package dev.kapsel.bus;

import java.util.Arrays;
import java.util.Objects;

/**
 * An address space of device registers: port I/O or MMIO (one instance each). Maps non-overlapping
 * ranges {@code [base, base + length)} to {@link BusDevice}s and dispatches a guest access to the
 * device whose range holds it, passing the offset {@code address - base}.
 *
 * <p>Addresses, lengths and offsets are unsigned 64-bit values. An access must lie wholly inside one
 * range; one that straddles the end of a range, or touches no range, is not dispatched and
 * {@link #read}/{@link #write} return {@code false}. The VMM then ignores the write and answers the
 * read with all ones ({@link #fillUnmapped}), as an unclaimed ISA/PCI cycle does on real hardware, or
 * with the bus's own unmapped byte ({@link #Bus(String, byte)}).
 *
 * <p>Thread safety: the range table is an immutable sorted array replaced whole on each
 * {@link #insert} (copy-on-write) and published through a volatile field, so any number of vCPU
 * threads may dispatch concurrently without locking, even while a device is being added. Devices
 * themselves must be safe for concurrent calls.
 */
public final class Bus {
    private record Mapping(long base, long length, BusDevice device) {
        long last() {
            return base + length - 1; // never wraps: insert() rejects ranges that would
        }
    }

    private static final Mapping[] EMPTY = new Mapping[0];

    private final String name;
    private final byte unmappedByte;
    private volatile Mapping[] mappings = EMPTY;

    /** @param name short name used in error messages, e.g. "pio" or "mmio" */
    public Bus(String name) {
        this(name, (byte) 0xff);
    }

    /**
     * A bus whose unclaimed reads answer {@code unmappedByte} in every byte: 0xff (what ISA hardware
     * floats to) unless the guest expects otherwise; unikernels that probe the RTC or CMOS ports
     * without checking (Unikraft) expect 0, as Firecracker answers.
     */
    public Bus(String name, byte unmappedByte) {
        this.name = Objects.requireNonNull(name, "name");
        this.unmappedByte = unmappedByte;
    }

    public String name() {
        return name;
    }

    /** Number of registered device ranges. */
    public int size() {
        return mappings.length;
    }

    /**
     * Registers {@code device} for {@code [base, base + length)}.
     *
     * @throws BusRangeException.EmptyRange if {@code length} is 0
     * @throws BusRangeException.RangeOverflow if the range wraps past 2^64 - 1
     * @throws BusRangeException.RangeOverlap if it shares an address with a registered range
     */
    public synchronized void insert(long base, long length, BusDevice device) {
        Objects.requireNonNull(device, "device");
        if (length == 0) {
            throw new BusRangeException.EmptyRange(name, base);
        }
        long last = base + (length - 1);
        if (Long.compareUnsigned(last, base) < 0) {
            throw new BusRangeException.RangeOverflow(name, base, length);
        }
        Mapping[] current = mappings;
        int at = insertionPoint(current, base);
        if (at > 0 && Long.compareUnsigned(current[at - 1].last(), base) >= 0) {
            throw overlap(base, length, current[at - 1]);
        }
        if (at < current.length && Long.compareUnsigned(current[at].base(), last) <= 0) {
            throw overlap(base, length, current[at]);
        }
        Mapping[] next = new Mapping[current.length + 1];
        System.arraycopy(current, 0, next, 0, at);
        next[at] = new Mapping(base, length, device);
        System.arraycopy(current, at, next, at + 1, current.length - at);
        mappings = next;
    }

    /**
     * Dispatches a guest read of {@code data.length} bytes at {@code address}.
     *
     * @return {@code true} if a device took it; {@code false} if no device's range holds the whole
     *     access, in which case {@code data} is untouched
     */
    public boolean read(long address, byte[] data) {
        Mapping m = find(address, data.length);
        if (m == null) {
            return false;
        }
        m.device().read(address - m.base(), data);
        return true;
    }

    /**
     * Dispatches a guest write of {@code data} at {@code address}.
     *
     * @return {@code true} if a device took it; {@code false} if none did (the VMM drops the write)
     */
    public boolean write(long address, byte[] data) {
        Mapping m = find(address, data.length);
        if (m == null) {
            return false;
        }
        m.device().write(address - m.base(), data);
        return true;
    }

    /**
     * Reads {@code address}, or fills {@code data} with this bus's unmapped byte (all ones unless made
     * otherwise) when no device is there: what the VMM answers for an unclaimed read.
     */
    public void readOrUnmapped(long address, byte[] data) {
        if (!read(address, data)) {
            Arrays.fill(data, unmappedByte);
        }
    }

    /** Fills {@code data} with {@code 0xff} bytes, the value of a read that no device claims. */
    public static void fillUnmapped(byte[] data) {
        Arrays.fill(data, (byte) 0xff);
    }

    private Mapping find(long address, int width) {
        if (width <= 0) {
            return null;
        }
        Mapping[] table = mappings;
        int at = insertionPoint(table, address) - 1; // last range with base <= address
        if (at < 0) {
            return null;
        }
        Mapping m = table[at];
        long offset = address - m.base();
        if (Long.compareUnsigned(offset, m.length()) >= 0) {
            return null;
        }
        // The access [offset, offset + width) must end inside the range.
        if (Long.compareUnsigned(width, m.length() - offset) > 0) {
            return null;
        }
        return m;
    }

    /** Index of the first mapping whose base is unsigned-greater than {@code address}. */
    private static int insertionPoint(Mapping[] table, long address) {
        int lo = 0;
        int hi = table.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(table[mid].base(), address) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private BusRangeException overlap(long base, long length, Mapping existing) {
        return new BusRangeException.RangeOverlap(name, base, length, existing.base(), existing.length());
    }
}
