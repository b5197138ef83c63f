package dev.kapsel.devices.virtio.rng;

import dev.kapsel.virtio.VirtioDeviceException;

/** The host entropy source failed or ended: the device stops rather than hand the guest non-random bytes. */
public final class EntropySourceException extends VirtioDeviceException {
    public EntropySourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
