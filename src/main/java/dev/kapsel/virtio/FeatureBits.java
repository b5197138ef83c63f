package dev.kapsel.virtio;

/**
 * Device-independent feature bits (virtio 1.2, section 6). Features are a 64-bit set; the transport
 * shows it to the driver in 32-bit banks.
 */
public final class FeatureBits {
    private FeatureBits() {}

    /** Descriptors may point at tables of further descriptors. */
    public static final int RING_INDIRECT_DESC = 28;
    /** used_event / avail_event notification suppression. */
    public static final int RING_EVENT_IDX = 29;
    /** A modern (virtio 1.x) device; kapsel offers nothing else and requires the driver to accept it. */
    public static final int VERSION_1 = 32;

    /** What every kapsel device offers on top of its own features: what {@link Virtqueue} implements. */
    public static final long TRANSPORT = bit(VERSION_1) | bit(RING_EVENT_IDX) | bit(RING_INDIRECT_DESC);

    public static long bit(int number) {
        return 1L << number;
    }

    public static boolean has(long features, int number) {
        return (features & bit(number)) != 0;
    }
}
