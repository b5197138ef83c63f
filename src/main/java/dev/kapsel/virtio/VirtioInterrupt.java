package dev.kapsel.virtio;

/**
 * How a device tells the driver something happened. The transport implements it: it sets the
 * matching InterruptStatus bit and triggers the device's interrupt line.
 */
public interface VirtioInterrupt {
    /** Buffers were added to a used ring (and the queue asked to be notified). */
    void signalUsedBuffers();

    /** The configuration space or the device status changed (e.g. DEVICE_NEEDS_RESET). */
    void signalConfigChange();

    /**
     * The device met a guest error on its own I/O thread that stops it (a malformed ring): the
     * transport sets DEVICE_NEEDS_RESET and raises a configuration-change interrupt, as it does for a
     * {@link VirtioDeviceException} thrown from {@link VirtioDevice#processQueue}. Call it holding no
     * device lock: the transport takes its own.
     */
    void deviceFailed(VirtioDeviceException cause);
}
