package dev.kapsel.kvm;

/**
 * A segment register as KVM wants it, the Java mirror of {@code struct kvm_segment}: the hidden part
 * of the register that a descriptor load would fill, decoded from a GDT entry.
 */
public record Segment(long base, int limit, int selector, int type, boolean present, int dpl, boolean db,
        boolean s, boolean l, boolean g, boolean avl, boolean unusable) {

    /** Decodes GDT entry {@code entry} found at index {@code index} (selector = index * 8, RPL 0). */
    public static Segment fromGdtEntry(long entry, int index) {
        return fromDescriptor(entry, index * 8);
    }

    /** The register a load of {@code selector} fills from the (8-byte, 32-bit base) descriptor {@code entry}. */
    public static Segment fromDescriptor(long entry, int selector) {
        long base = ((entry >>> 16) & 0xff_ffffL) | (((entry >>> 56) & 0xff) << 24);
        int rawLimit = (int) ((entry & 0xffff) | ((entry >>> 32) & 0xf_0000L));
        boolean g = bit(entry, 55);
        boolean present = bit(entry, 47);
        return new Segment(base, g ? (rawLimit << 12) | 0xfff : rawLimit, selector, (int) ((entry >>> 40) & 0xf),
                present, (int) ((entry >>> 45) & 3), bit(entry, 54), bit(entry, 44), bit(entry, 53), g,
                bit(entry, 52), !present);
    }

    /** The same register with another base, as writing FS.base or GS.base leaves it. */
    public Segment withBase(long newBase) {
        return new Segment(newBase, limit, selector, type, present, dpl, db, s, l, g, avl, unusable);
    }

    private static boolean bit(long v, int n) {
        return ((v >>> n) & 1) != 0;
    }
}
