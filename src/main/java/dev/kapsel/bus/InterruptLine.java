package dev.kapsel.bus;

/**
 * A wire from a device to the guest's interrupt controller. Devices get one injected, so they can be
 * tested without KVM; the VMM backs it with an irqfd or KVM_IRQ_LINE.
 */
@FunctionalInterface
public interface InterruptLine {
    /** Signal the interrupt (an edge: raise and lower). */
    void trigger();
}
