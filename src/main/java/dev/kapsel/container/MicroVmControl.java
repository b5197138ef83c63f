package dev.kapsel.container;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmState;
import dev.kapsel.vmm.VmStateException;
import java.util.Locale;

/** {@link ContainerControl} of a container in a {@link MicroVm}: pause and resume hold and release the whole VM. */
public final class MicroVmControl implements ContainerControl {
    private final MicroVm vm;

    public MicroVmControl(MicroVm vm) {
        this.vm = vm;
    }

    @Override
    public void pause() throws InterruptedException {
        try {
            vm.pause();
        } catch (VmStateException e) {
            throw refusal(e);
        }
    }

    @Override
    public void resume() {
        try {
            vm.resume();
        } catch (VmStateException e) {
            throw refusal(e);
        }
    }

    @Override
    public String state() {
        return name(vm.state());
    }

    /** The answer names the state that forbids the move, in the container's words rather than the VM's. */
    private static IllegalStateException refusal(VmStateException e) {
        String reason = switch (e.state()) {
            case RUNNING -> "the micro-VM is running, not paused";
            case PAUSED -> "the micro-VM is already paused";
            case BUILT -> "the micro-VM has not started";
            case STOPPED -> "the micro-VM is stopped";
        };
        return new IllegalStateException(reason, e);
    }

    private static String name(VmState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
