package dev.kapsel.vmm;

/** The end of a VM run: its status and, for failures, a detail line for the user. */
public record VmExit(VmExitStatus status, String detail) {
    public static VmExit of(VmExitStatus status) {
        return new VmExit(status, "");
    }

    public String message() {
        return detail.isEmpty() ? status.description() : status.description() + ": " + detail;
    }
}
