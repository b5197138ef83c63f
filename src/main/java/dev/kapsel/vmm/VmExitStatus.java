package dev.kapsel.vmm;

/**
 * How a micro-VM ended, and the process exit code {@code kapsel vm run} returns for it. The codes are
 * documented in docs/vmm.md and chosen not to collide with 1 (generic failure), 2 (usage error) or
 * 128+N (killed by signal N).
 */
public enum VmExitStatus {
    POWER_OFF(0, "the guest powered off"),
    RESET(80, "the guest rebooted; a micro-VM does not reboot, so the VM ended"),
    PANIC(81, "the guest kernel panicked"),
    TRIPLE_FAULT(82, "the guest CPU shut down (triple fault)"),
    KVM_FAILURE(83, "KVM could not run the guest"),
    BOOT_FAILURE(84, "the VM could not be set up"),
    KVM_UNAVAILABLE(85, "this host offers no usable KVM");

    private final int exitCode;
    private final String description;

    VmExitStatus(int exitCode, String description) {
        this.exitCode = exitCode;
        this.description = description;
    }

    public int exitCode() {
        return exitCode;
    }

    public String description() {
        return description;
    }
}
