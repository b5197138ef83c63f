package dev.kapsel.devices.virtio.balloon;

import dev.kapsel.virtio.VirtioDeviceException;

/**
 * The driver sent an inflate or deflate request the device refuses: a page frame outside guest RAM,
 * a buffer whose length is not a whole number of 32-bit frame numbers, or more frames in one request
 * than {@link BalloonDevice#MAX_PFNS_PER_REQUEST}. The device stops until the driver resets it.
 */
public final class BalloonRequestException extends VirtioDeviceException {
    public BalloonRequestException(String message) {
        super(message);
    }
}
