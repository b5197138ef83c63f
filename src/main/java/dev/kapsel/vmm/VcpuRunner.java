package dev.kapsel.vmm;

import dev.kapsel.bus.Bus;
import dev.kapsel.bus.RunGate;
import dev.kapsel.kvm.VcpuExit;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.sys.SyscallException;
import java.util.Arrays;

/**
 * The KVM_RUN loop of one vCPU: enters the guest, dispatches port I/O and MMIO exits to the buses,
 * and turns every terminal exit into a {@link VmExit} reported to the {@link VmLifecycle}. Nothing the
 * guest does makes it hang or throw past this class: unknown exits end the VM with a message.
 *
 * <p>Between two entries it passes the VM's {@link RunGate}: a pause parks it there, a stop ends the
 * loop. A {@link dev.kapsel.kvm.VcpuKicker} kick (bound to this thread in {@link #run}) gets it out of
 * KVM_RUN to look.
 */
public final class VcpuRunner implements Runnable {
    private final VcpuFd vcpu;
    private final Bus portIo;
    private final Bus mmio;
    private final VmLifecycle lifecycle;
    private final RunGate gate;

    /** A runner outside a VM's gate: nothing pauses or stops it but the lifecycle. */
    public VcpuRunner(VcpuFd vcpu, Bus portIo, Bus mmio, VmLifecycle lifecycle) {
        this(vcpu, portIo, mmio, lifecycle, RunGate.open());
    }

    public VcpuRunner(VcpuFd vcpu, Bus portIo, Bus mmio, VmLifecycle lifecycle, RunGate gate) {
        this.vcpu = vcpu;
        this.portIo = portIo;
        this.mmio = mmio;
        this.lifecycle = lifecycle;
        this.gate = gate;
    }

    /** The vCPU thread's body: binds the kicker to this thread, runs, reports how the run ended. */
    @Override
    public void run() {
        VmExit exit;
        try {
            vcpu.kicker().bindCurrentThread();
            try {
                exit = runUntilExit();
            } finally {
                vcpu.kicker().unbind();
            }
        } catch (RuntimeException e) {
            exit = new VmExit(VmExitStatus.KVM_FAILURE, "vCPU " + vcpu.id() + ": " + e);
        }
        if (exit != null) {
            lifecycle.exit(exit);
        }
    }

    /** Runs until this vCPU reaches a terminal exit (returned), or the VM ends elsewhere or is stopped (null). */
    public VmExit runUntilExit() {
        while (gate.pass() && !lifecycle.isDone()) {
            VcpuExit exit;
            try {
                exit = vcpu.run();
            } catch (SyscallException e) {
                return new VmExit(VmExitStatus.KVM_FAILURE, e.getMessage());
            }
            VmExit end = handle(exit);
            if (end != null) {
                return end;
            }
        }
        return null;
    }

    private VmExit handle(VcpuExit exit) {
        String cpu = "vCPU " + vcpu.id();
        switch (exit) {
            case VcpuExit.IoIn in -> vcpu.completeIoIn(portIn(in));
            case VcpuExit.IoOut out -> portOut(out);
            case VcpuExit.MmioRead read -> vcpu.completeMmioRead(mmioRead(read));
            case VcpuExit.MmioWrite write -> mmio.write(write.address(), write.data());
            case VcpuExit.Interrupted ignored -> vcpu.kicker().acknowledge();
            case VcpuExit.Hlt ignored -> {
                return new VmExit(VmExitStatus.POWER_OFF, cpu + " halted with no interrupt controller to wake it");
            }
            case VcpuExit.Shutdown ignored -> {
                return new VmExit(VmExitStatus.TRIPLE_FAULT, cpu);
            }
            case VcpuExit.SystemEvent event -> {
                return switch (event.type()) {
                    case VcpuExit.SystemEvent.SHUTDOWN -> VmExit.of(VmExitStatus.POWER_OFF);
                    case VcpuExit.SystemEvent.RESET -> VmExit.of(VmExitStatus.RESET);
                    case VcpuExit.SystemEvent.CRASH -> new VmExit(VmExitStatus.PANIC, "reported by the hypervisor");
                    default -> new VmExit(VmExitStatus.KVM_FAILURE, cpu + ": unknown system event " + event.type());
                };
            }
            case VcpuExit.FailEntry fail -> {
                return new VmExit(VmExitStatus.KVM_FAILURE, String.format(
                        "%s: KVM could not enter the guest (hardware reason 0x%x)", cpu, fail.hardwareReason()));
            }
            case VcpuExit.InternalError error -> {
                return new VmExit(VmExitStatus.KVM_FAILURE, cpu + ": " + error.describe() + ripNote());
            }
            case VcpuExit.Other other -> {
                return new VmExit(VmExitStatus.KVM_FAILURE, String.format(
                        "%s: unhandled exit reason %d (hardware reason 0x%x)", cpu, other.reason(), other.hardwareReason()));
            }
        }
        return null;
    }

    private String ripNote() {
        try {
            return String.format(" at rip 0x%x", vcpu.getRegs().rip());
        } catch (RuntimeException e) {
            return "";
        }
    }

    private byte[] portIn(VcpuExit.IoIn in) {
        byte[] all = new byte[in.size() * in.count()];
        byte[] one = new byte[in.size()];
        for (int i = 0; i < in.count(); i++) {
            portIo.readOrUnmapped(in.port(), one);
            System.arraycopy(one, 0, all, i * in.size(), in.size());
        }
        return all;
    }

    private void portOut(VcpuExit.IoOut out) {
        for (int i = 0; i < out.count(); i++) {
            portIo.write(out.port(), Arrays.copyOfRange(out.data(), i * out.size(), (i + 1) * out.size()));
        }
    }

    private byte[] mmioRead(VcpuExit.MmioRead read) {
        byte[] data = new byte[read.length()];
        mmio.readOrUnmapped(read.address(), data);
        return data;
    }
}
