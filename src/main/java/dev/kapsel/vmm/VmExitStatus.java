package dev.kapsel.vmm;

/** How a micro-VM ended. {@code kapsel vm run} maps each to its process exit code ({@code cli.VmLauncher}). */
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
}
