package dev.kapsel.virtio;

import dev.kapsel.memory.GuestMemory;
import java.util.List;

/**
 * What a device gets when the driver sets DRIVER_OK: guest memory, its queues (activated, in queue
 * index order), the interrupt, and the features the driver accepted. Before that it has none of these
 * and cannot touch the guest.
 */
public record Activation(GuestMemory memory, List<Virtqueue> queues, VirtioInterrupt interrupt, long features) {
    public Activation {
        queues = List.copyOf(queues);
    }

    public Virtqueue queue(int index) {
        return queues.get(index);
    }

    /**
     * Serves every available chain of queue {@code index} with {@code handler} and interrupts the
     * driver if it asked to be: the whole notification path of a request/response device.
     */
    public void serveQueue(int index, Virtqueue.ChainHandler handler) throws VirtioDeviceException {
        if (queue(index).serveAvailable(handler)) {
            interrupt.signalUsedBuffers();
        }
    }
}
