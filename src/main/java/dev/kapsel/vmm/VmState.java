package dev.kapsel.vmm;

/**
 * Where a {@link MicroVm} is in its life: built, then running, paused and running again any number of
 * times, and stopped, which is final (stopping a stopped VM does nothing). Each action says which
 * state it needs; any other move is a {@link VmStateException}.
 */
public enum VmState {
    BUILT, RUNNING, PAUSED, STOPPED;

    VmState start() {
        return from(BUILT, "start", RUNNING);
    }

    VmState pause() {
        return from(RUNNING, "pause", PAUSED);
    }

    VmState resume() {
        return from(PAUSED, "resume", RUNNING);
    }

    VmState stop() {
        return STOPPED;
    }

    private VmState from(VmState required, String action, VmState to) {
        if (this != required) {
            throw new VmStateException(action, this);
        }
        return to;
    }
}
