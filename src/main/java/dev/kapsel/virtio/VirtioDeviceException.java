package dev.kapsel.virtio;

/**
 * A failure that ends a virtio device's service until the driver resets it: the transport sets
 * {@link DeviceStatus#DEVICE_NEEDS_RESET} and raises a configuration-change interrupt. Subclasses name
 * the cause; {@link VirtqueueException} covers malformed rings, devices add their own.
 */
public abstract class VirtioDeviceException extends Exception {
    protected VirtioDeviceException(String message) {
        super(message);
    }

    protected VirtioDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
