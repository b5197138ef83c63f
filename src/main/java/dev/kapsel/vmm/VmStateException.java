package dev.kapsel.vmm;

/** A lifecycle action the VM's current {@link VmState} does not allow, such as pausing a stopped VM. */
public final class VmStateException extends IllegalStateException {
    private final String action;
    private final VmState state;

    public VmStateException(String action, VmState state) {
        super("cannot " + action + " a VM that is " + state.name().toLowerCase());
        this.action = action;
        this.state = state;
    }

    public String action() {
        return action;
    }

    public VmState state() {
        return state;
    }
}
