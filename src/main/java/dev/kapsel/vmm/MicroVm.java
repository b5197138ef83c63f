package dev.kapsel.vmm;

import dev.kapsel.bus.Bus;
import dev.kapsel.bus.RunGate;
import dev.kapsel.devices.legacy.I8042;
import dev.kapsel.devices.legacy.Serial16550;
import dev.kapsel.kvm.KvmVcpuState;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.state.StateWriter;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.util.ArrayList;
import java.util.List;

/**
 * One micro-VM after {@link VmBuilder} made it: {@link #start} runs one platform thread per vCPU;
 * {@link #pause} and {@link #resume} hold and release every vCPU and device I/O thread at the VM's
 * {@link RunGate}; {@link #stop} (and {@link #close}) ends it and gives back every thread, file
 * descriptor and mapping, in the reverse of the order the builder made them. The guest ends the run
 * on its own too (power-off, reset, panic, triple fault): the first reason {@link VmLifecycle} gets
 * wins, and every vCPU is then kicked out of KVM_RUN. States and legal moves: {@link VmState}.
 *
 * <p>The lifecycle methods are for the VM's owner, not for its own threads (a vCPU or device thread
 * calling {@link #stop} would wait for itself).
 */
public final class MicroVm implements AutoCloseable {
    private final VmConfig config;
    private final VmFd vm;
    private final GuestMemory memory;
    private final List<VcpuFd> vcpus;
    private final Bus portIo;
    private final Bus mmio;
    private final Serial16550 serial;
    private final I8042 i8042;
    private final PanicWatcher console;
    private final VmLifecycle lifecycle;
    private final RunGate gate;
    private final MmioDeviceManager devices;
    /** Everything the VM holds, released in reverse by {@link #stop}; vCPU threads are added by {@link #start}. */
    private final Cleanup resources;
    /** What {@link #start} does once the vCPUs run: for a restored VM, the queues' re-notification. */
    private final Runnable afterStart;
    /** Set by {@link #startPaused}: {@link #afterStart} waits for the first {@link #resume}. */
    private boolean afterStartPending;
    private VmState state = VmState.BUILT;

    MicroVm(VmConfig config, VmFd vm, GuestMemory memory, List<VcpuFd> vcpus, Bus portIo, Bus mmio, Serial16550 serial,
            I8042 i8042, PanicWatcher console, VmLifecycle lifecycle, RunGate gate, MmioDeviceManager devices,
            Cleanup resources, Runnable afterStart) {
        this.config = config;
        this.vm = vm;
        this.memory = memory;
        this.vcpus = List.copyOf(vcpus);
        this.portIo = portIo;
        this.mmio = mmio;
        this.serial = serial;
        this.i8042 = i8042;
        this.console = console;
        this.lifecycle = lifecycle;
        this.gate = gate;
        this.devices = devices;
        this.resources = resources;
        this.afterStart = afterStart;
    }

    /** The configuration this VM was built (or restored) from. */
    public VmConfig config() {
        return config;
    }

    public Serial16550 serial() {
        return serial;
    }

    /**
     * Presses Ctrl-Alt-Del on the guest's i8042 keyboard (Firecracker's SendCtrlAltDel action); a Linux
     * guest reboots in order, which ends a micro-VM. Only while running.
     *
     * @return false if the keyboard's output buffer lacked room (the guest has not read earlier keys)
     */
    public synchronized boolean sendCtrlAltDel() {
        if (state != VmState.RUNNING) {
            throw new VmStateException("send Ctrl-Alt-Del to", state);
        }
        return i8042.sendCtrlAltDel();
    }

    /** Guest memory: stable while the VM is paused; unmapped once it is stopped. */
    public GuestMemory memory() {
        return memory;
    }

    /** The vCPUs, in id order: their registers are stable to read while the VM is paused. */
    public List<VcpuFd> vcpus() {
        return vcpus;
    }

    public synchronized VmState state() {
        return state;
    }

    /** Starts one platform thread per vCPU. Once the guest ends the run, every vCPU is kicked so it stops too. */
    public synchronized void start() {
        state = state.start();
        startVcpus();
        afterStart.run();
    }

    /**
     * Starts the VM paused, as a snapshot loaded through the API is until it is resumed: the device
     * threads are parked first, then the vCPU threads start and park at the gate before their first
     * KVM_RUN. The restored queues' re-notification waits for the first {@link #resume}.
     */
    public synchronized void startPaused() throws InterruptedException {
        state = state.start().pause();
        gate.pause(devices::wakeAll);
        startVcpus();
        afterStartPending = true;
    }

    private void startVcpus() {
        for (VcpuFd vcpu : vcpus) {
            Thread thread = gate.start("vcpu-" + vcpu.id(), new VcpuRunner(vcpu, portIo, mmio, lifecycle, gate));
            resources.then(() -> Cleanup.join(thread));
        }
        lifecycle.onEnd(this::kickVcpus);
    }

    /**
     * The whole state of this paused VM but its RAM ({@link #memory}, stable while paused): each vCPU's
     * KVM state (the MSRs KVM lists as saveable that vCPU 0 reads), the in-kernel irqchip, PIT and
     * clock, and the serial port's, the i8042's and every virtio transport's state.
     *
     * @throws VmStateException unless the VM is paused
     */
    public synchronized MicroVmState saveState() {
        if (state != VmState.PAUSED) {
            throw new VmStateException("snapshot", state);
        }
        List<Integer> msrs = vcpus.getFirst().readableMsrs(vm.kvm().msrIndexList());
        List<KvmVcpuState> saved = new ArrayList<>();
        for (VcpuFd vcpu : vcpus) {
            saved.add(vcpu.saveState(msrs));
        }
        StateWriter out = new StateWriter();
        serial.saveState(out);
        i8042.saveState(out);
        out.list(devices.transports(), (w, t) -> {
            StateWriter one = new StateWriter();
            t.saveState(one);
            w.bytes(one.toByteArray());
        });
        return new MicroVmState(config, saved, vm.saveState(), out.toByteArray());
    }

    /**
     * Gets every vCPU out of KVM_RUN and parks it, and parks every device I/O thread between two
     * rounds of work; returns once all are parked. Registers, memory and queues then stay as they
     * are until {@link #resume}.
     */
    public synchronized void pause() throws InterruptedException {
        state = state.pause();
        gate.pause(this::wakeAll);
    }

    /** Lets the parked vCPUs and device threads go on where they stopped. */
    public synchronized void resume() {
        state = state.resume();
        gate.resume();
        if (afterStartPending) {
            afterStartPending = false;
            afterStart.run();
        }
    }

    /**
     * Ends the VM and releases it: reports {@link VmExitStatus#STOPPED} (unless the guest ended the run
     * first), kicks and joins every vCPU thread, stops and joins every device I/O thread, then closes
     * the devices, eventfds, vCPU fds, guest memory, the VM and KVM, newest first. Allowed in any state;
     * a second call does nothing.
     */
    public synchronized void stop() {
        if (state == VmState.STOPPED) {
            return;
        }
        state = state.stop();
        lifecycle.exit(VmExitStatus.STOPPED);
        gate.stop();
        wakeAll();
        resources.close();
    }

    private void wakeAll() {
        kickVcpus();
        devices.wakeAll();
    }

    private void kickVcpus() {
        for (VcpuFd vcpu : vcpus) {
            vcpu.kicker().kick();
        }
    }

    /** How the VM ended, or null while it runs. */
    public VmExit exitIfEnded() throws InterruptedException {
        return lifecycle.isDone() ? awaitExit() : null;
    }

    /** Waits for the VM to end; a triple fault or KVM error right after a panic is reported as the panic. */
    public VmExit awaitExit() throws InterruptedException {
        VmExit exit = lifecycle.await();
        String panic = console.panicMessage();
        if (panic != null && exit.status() != VmExitStatus.POWER_OFF && exit.status() != VmExitStatus.PANIC
                && exit.status() != VmExitStatus.STOPPED) {
            return new VmExit(VmExitStatus.PANIC, panic);
        }
        return exit;
    }

    /** {@link #stop}. */
    @Override
    public void close() {
        stop();
    }
}
