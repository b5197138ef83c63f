package dev.kapsel.vmm;

import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.arch.x86.Layout;
import dev.kapsel.bus.Bus;
import dev.kapsel.bus.InterruptLine;
import dev.kapsel.bus.RunGate;
import dev.kapsel.kvm.Kvm;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.sys.EventFd;
import dev.kapsel.virtio.EventFdNotified;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.mmio.MmioRegisters;
import dev.kapsel.virtio.mmio.QueueNotifier;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Gives each virtio device its virtio-mmio window and IRQ (slot N: {@link Layout#VIRTIO_MMIO_START} +
 * N windows, GSI {@link Layout#IRQ_VIRTIO_FIRST} + N), its interrupt line and its queue-notify
 * ioeventfd, as Firecracker's {@code device_manager/mmio.rs}. It also keeps the device I/O threads:
 * each is registered with the VM's {@link Cleanup} so that it is stopped (gate, wake-up, join) before
 * what it uses is closed, and {@link #wakeAll} gets them all to their gate for a pause.
 */
final class MmioDeviceManager {
    private final VmFd vm;
    private final Kvm kvm;
    private final Bus mmio;
    private final GuestMemory memory;
    private final RunGate gate;
    private final Cleanup cleanup;
    private final Consumer<String> warnings;
    private final List<VirtioMmioDevice> windows = new ArrayList<>();
    private final List<VirtioMmioTransport> transports = new ArrayList<>();
    private final List<Runnable> wakeUps = new ArrayList<>();

    MmioDeviceManager(VmFd vm, Kvm kvm, Bus mmio, GuestMemory memory, RunGate gate, Cleanup cleanup,
                      Consumer<String> warnings) {
        this.vm = vm;
        this.kvm = kvm;
        this.mmio = mmio;
        this.memory = memory;
        this.gate = gate;
        this.cleanup = cleanup;
        this.warnings = warnings;
    }

    /** An interrupt line for {@code gsi}: an irqfd where KVM has them (its eventfd closed at teardown), else KVM_IRQ_LINE. */
    InterruptLine interruptLine(int gsi) {
        return kvm.hasIrqfd() ? cleanup.add(new IrqfdLine(vm, gsi)) : new IrqLinePulse(vm, gsi);
    }

    /**
     * Records a device I/O thread: at teardown the gate is stopped, {@code wakeUp} gets the thread out
     * of its wait and the thread is joined, before anything registered earlier is closed.
     */
    void ioThread(Thread thread, Runnable wakeUp) {
        wakeUps.add(wakeUp);
        cleanup.then(() -> {
            gate.stop();
            wakeUp.run();
            Cleanup.join(thread);
        });
    }

    /**
     * Puts {@code device} behind a virtio-mmio transport in the next window: registers it on the MMIO
     * bus, interrupts through the window's GSI, queue notifications through an ioeventfd served by a
     * host thread where KVM has ioeventfds (otherwise QueueNotify exits to the vCPU thread): the
     * device's own I/O thread if it is {@link EventFdNotified}, else a {@link QueueNotifier}.
     */
    VirtioMmioDevice attach(VirtioDevice device) {
        int slot = windows.size();
        VirtioMmioDevice window = VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START + slot * Layout.VIRTIO_MMIO_SIZE,
                Layout.IRQ_VIRTIO_FIRST + slot);
        VirtioMmioTransport transport = new VirtioMmioTransport(device, memory, interruptLine(window.gsi()), warnings);
        mmio.insert(window.base().value(), window.size(), transport);
        if (kvm.hasIoeventfd()) {
            long notifyAddress = window.base().value() + MmioRegisters.QUEUE_NOTIFY;
            if (device instanceof EventFdNotified selfServed) {
                vm.registerIoeventfd(selfServed.queueNotifyEventFd().fd(), notifyAddress, 4, false);
            } else {
                EventFd notify = cleanup.add(new EventFd(0));
                vm.registerIoeventfd(notify.fd(), notifyAddress, 4, false);
                ioThread(QueueNotifier.start("virtio-" + slot, notify, transport, gate, warnings), notify::signal);
            }
        }
        windows.add(window);
        transports.add(transport);
        return window;
    }

    /** The windows attached so far, in slot order (the ACPI tables describe them). */
    List<VirtioMmioDevice> windows() {
        return List.copyOf(windows);
    }

    /** The transports attached so far, in slot order (a snapshot saves and restores them in it). */
    List<VirtioMmioTransport> transports() {
        return List.copyOf(transports);
    }

    /** Gets every device I/O thread out of its wait so it looks at the gate. */
    void wakeAll() {
        wakeUps.forEach(Runnable::run);
    }
}
