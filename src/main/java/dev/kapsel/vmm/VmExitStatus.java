package dev.kapsel.vmm;

/** How a micro-VM ended, and the process exit code {@code kapsel vm run} and a unikernel container give for it. */
public enum VmExitStatus {
    POWER_OFF("the guest powered off"),
    RESET("the guest rebooted; a micro-VM does not reboot, so the VM ended"),
    PANIC("the guest kernel panicked"),
    TRIPLE_FAULT("the guest CPU shut down (triple fault)"),
    KVM_FAILURE("KVM could not run the guest"),
    BOOT_FAILURE("the VM could not be set up"),
    KVM_UNAVAILABLE("this host offers no usable KVM"),
    STOPPED("the VM was stopped by its host");

    private final String description;

    VmExitStatus(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /**
     * The exit code for this end (documented in docs/vmm.md), chosen not to collide with 1 (generic
     * failure), 2 (usage error) or 128+N (killed by signal N).
     */
    public int exitCode() {
        return switch (this) {
            case POWER_OFF -> 0;
            case RESET -> 80;
            case PANIC -> 81;
            case TRIPLE_FAULT -> 82;
            case KVM_FAILURE -> 83;
            case BOOT_FAILURE -> 84;
            case KVM_UNAVAILABLE -> 85;
            case STOPPED -> 86;
        };
    }
}
