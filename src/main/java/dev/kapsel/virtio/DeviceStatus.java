package dev.kapsel.virtio;

/**
 * The device status field (virtio 1.2, section 2.1): bits the driver sets one after another while it
 * brings a device up, plus {@link #DEVICE_NEEDS_RESET}, the one bit the device sets itself.
 */
public final class DeviceStatus {
    private DeviceStatus() {}

    /** The guest has noticed the device. */
    public static final int ACKNOWLEDGE = 1;
    /** The guest knows how to drive it. */
    public static final int DRIVER = 2;
    /** The driver is set up and the device may process queues. */
    public static final int DRIVER_OK = 4;
    /** Feature negotiation is complete. */
    public static final int FEATURES_OK = 8;
    /** The device hit an error it cannot recover from; the driver must reset it. */
    public static final int DEVICE_NEEDS_RESET = 0x40;
    /** The driver gave up on the device. */
    public static final int FAILED = 0x80;

    public static boolean has(int status, int bit) {
        return (status & bit) == bit;
    }
}
