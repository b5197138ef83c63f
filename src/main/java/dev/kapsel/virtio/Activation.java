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
}
