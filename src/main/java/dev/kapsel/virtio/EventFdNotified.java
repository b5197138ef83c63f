package dev.kapsel.virtio;

import dev.kapsel.sys.EventFd;

/**
 * A {@link VirtioDevice} that serves its queues on its own host I/O thread, woken through an eventfd.
 * Where KVM has ioeventfds, the VMM registers {@link #queueNotifyEventFd} for the transport's
 * QueueNotify register, so a guest kick wakes the I/O thread straight from KVM: no vCPU exit to user
 * space, no notification thread, no transport lock in between. {@link VirtioDevice#processQueue}
 * signals the same eventfd for kicks that still come through the transport.
 */
public interface EventFdNotified {
    /** The eventfd the device's I/O thread polls for queue notifications. */
    EventFd queueNotifyEventFd();
}
