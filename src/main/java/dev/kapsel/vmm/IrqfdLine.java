package dev.kapsel.vmm;

import dev.kapsel.bus.InterruptLine;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.sys.EventFd;

/** An interrupt line backed by an irqfd: triggering writes an eventfd and the kernel injects the GSI. */
final class IrqfdLine implements InterruptLine, AutoCloseable {
    private final EventFd eventFd;

    IrqfdLine(VmFd vm, int gsi) {
        this.eventFd = new EventFd(0);
        vm.registerIrqfd(eventFd.fd(), gsi);
    }

    @Override
    public void trigger() {
        eventFd.signal();
    }

    @Override
    public void close() {
        eventFd.close();
    }
}
