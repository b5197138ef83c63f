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
}
