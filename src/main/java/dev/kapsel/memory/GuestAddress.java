package dev.kapsel.memory;

/** A guest-physical address. Plain {@code long} arithmetic, named so signatures say which address space they mean. */
public record GuestAddress(long value) implements Comparable<GuestAddress> {
    public static GuestAddress of(long value) {
        return new GuestAddress(value);
    }

    public GuestAddress plus(long offset) {
        return new GuestAddress(Math.addExact(value, offset));
    }

    @Override
    public int compareTo(GuestAddress o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return String.format("0x%x", value);
    }
}
