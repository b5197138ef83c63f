package dev.kapsel.vmm;

import dev.kapsel.bus.InterruptLine;
import dev.kapsel.kvm.VmFd;

/** Fallback interrupt line for hosts without irqfd: raise and lower the GSI with KVM_IRQ_LINE. */
final class IrqLinePulse implements InterruptLine {
    private final VmFd vm;
    private final int gsi;

    IrqLinePulse(VmFd vm, int gsi) {
        this.vm = vm;
        this.gsi = gsi;
    }

    @Override
    public synchronized void trigger() {
        vm.irqLine(gsi, true);
        vm.irqLine(gsi, false);
    }
}
