package dev.kapsel.virtio.mmio;

import dev.kapsel.bus.RunGate;
import dev.kapsel.sys.EventFd;
import dev.kapsel.sys.Poll;
import java.util.function.Consumer;

/**
 * The host thread that serves one device's queue notifications when KVM delivers them through an
 * ioeventfd: KVM signals the eventfd on a guest write to QueueNotify without leaving the guest, and
 * this thread waits on it with poll(2), clears it, and runs the device's queues. Queue work then stays
 * off the vCPU threads. It passes the VM's {@link RunGate} between rounds; a signal of the eventfd
 * gets it out of poll to look at the gate.
 */
public final class QueueNotifier implements Runnable {
    private final EventFd eventFd;
    private final VirtioMmioTransport transport;
    private final RunGate gate;
    private final Consumer<String> warnings;

    private QueueNotifier(EventFd eventFd, VirtioMmioTransport transport, RunGate gate, Consumer<String> warnings) {
        this.eventFd = eventFd;
        this.transport = transport;
        this.gate = gate;
        this.warnings = warnings;
    }

    /** Starts a thread named {@code name} that runs {@code transport}'s queues each time {@code eventFd} is signalled. */
    public static Thread start(String name, EventFd eventFd, VirtioMmioTransport transport, RunGate gate,
                               Consumer<String> warnings) {
        return gate.start(name, new QueueNotifier(eventFd, transport, gate, warnings));
    }

    @Override
    public void run() {
        try {
            Poll kick = new Poll(1);
            while (gate.pass()) {
                kick.set(0, eventFd.fd(), Poll.POLLIN);
                if (kick.poll(-1) < 1) {
                    continue; // interrupted
                }
                eventFd.read();
                transport.notifyAllQueues();
            }
        } catch (RuntimeException e) {
            warnings.accept("virtio queue thread " + Thread.currentThread().getName() + " stopped: " + e);
        }
    }
}
