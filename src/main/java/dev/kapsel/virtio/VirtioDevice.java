package dev.kapsel.virtio;

/**
 * A virtio device as the transport sees it: identity, features, queue sizes, configuration space,
 * and its life cycle. A device is inactive until {@link #activate} (the driver set DRIVER_OK), then
 * processes a queue each time the driver notifies it, until {@link #reset}.
 *
 * <p>Two contracts. A plain device is called only under the transport's lock, so it needs no locking
 * of its own. A device that runs its own I/O thread (net, which is {@link EventFdNotified}; vsock)
 * also works on that thread: it keeps its own lock, raises interrupts off the transport's, and its
 * {@code processQueue} only wakes the thread.
 */
public interface VirtioDevice {
    /** The virtio device ID (virtio 1.2, section 5): 2 block, 4 entropy, ... */
    int deviceId();

    /** Features offered, including {@link FeatureBits#TRANSPORT}. */
    long features();

    /** QueueNumMax of each queue; the list's size is the number of queues. */
    int[] queueMaxSizes();

    /** Reads {@code data.length} bytes of configuration space at {@code offset}; bytes past its end read as 0. */
    void readConfig(long offset, byte[] data);

    /** Writes configuration space; devices without writable fields ignore it. */
    void writeConfig(long offset, byte[] data);

    /** The driver set DRIVER_OK: start serving {@code activation}'s queues. */
    void activate(Activation activation);

    /**
     * The driver notified queue {@code index} (or the transport cannot tell which queue and asks each
     * in turn): take and complete what it holds.
     *
     * @throws VirtioDeviceException when the guest broke the rules badly enough that the device stops
     */
    void processQueue(int index) throws VirtioDeviceException;

    /** Back to the inactive state, forgetting memory, queues and interrupt. */
    void reset();
}
