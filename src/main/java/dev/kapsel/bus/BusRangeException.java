package dev.kapsel.bus;


/**
 * A device range that a {@link Bus} refuses to register. One subclass per cause, so the VMM can tell
 * a mis-sized device from a clash in its own layout. Addresses are unsigned 64-bit values.
 */
public abstract sealed class BusRangeException extends RuntimeException
        permits BusRangeException.EmptyRange, BusRangeException.RangeOverflow, BusRangeException.RangeOverlap {

    private final String bus;
    private final long base;
    private final long length;

    private BusRangeException(String bus, long base, long length, String message) {
        super(message);
        this.bus = bus;
        this.base = base;
        this.length = length;
    }

    /** Name of the bus that refused the range ("pio", "mmio", ...). */
    public String bus() {
        return bus;
    }

    public long base() {
        return base;
    }

    public long length() {
        return length;
    }

    /** A range of length zero: it would never be reachable. */
    public static final class EmptyRange extends BusRangeException {
        public EmptyRange(String bus, long base) {
            super(bus, base, 0, String.format(
                    "%s bus: cannot register a device at 0x%x with length 0; give the device's register window size",
                    bus, base));
        }
    }

    /** A range whose end lies past the top of the 64-bit address space. */
    public static final class RangeOverflow extends BusRangeException {
        public RangeOverflow(String bus, long base, long length) {
            super(bus, base, length, String.format(
                    "%s bus: range at 0x%x of length 0x%x wraps past the end of the address space",
                    bus, base, length));
        }
    }

    /** A range that shares at least one address with a device already on the bus. */
    public static final class RangeOverlap extends BusRangeException {
        private final long existingBase;
        private final long existingLength;

        public RangeOverlap(String bus, long base, long length, long existingBase, long existingLength) {
            super(bus, base, length, String.format(
                    "%s bus: range [0x%x, +0x%x) overlaps the device already at [0x%x, +0x%x); move one of them",
                    bus, base, length, existingBase, existingLength));
            this.existingBase = existingBase;
            this.existingLength = existingLength;
        }

        public long existingBase() {
            return existingBase;
        }

        public long existingLength() {
            return existingLength;
        }
    }
}
