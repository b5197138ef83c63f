package dev.kapsel.sys.seccomp;

/**
 * The filter a monitor installs just before its first guest instruction: armed once by the
 * monitor's entry point ({@link #arm}), installed by the first vCPU thread that is about to enter
 * KVM_RUN ({@link #beforeGuestEntry}, called by {@code VcpuFd.run}), on every thread of the process
 * at once (TSYNC). Set-up (image disks, taps, KVM's file descriptors, helper programs such as
 * {@code mke2fs}) is done by then and runs unconfined; what the guest can reach runs confined. A
 * process that never arms it (a test JVM running guests in-process) is never filtered.
 */
public final class FilterAtGuestEntry {
    private FilterAtGuestEntry() {}

    private static volatile SeccompFilter armed;

    /** Installs {@code filter} before the next guest entry of this process. */
    public static void arm(SeccompFilter filter) {
        armed = filter;
    }

    /** Whether a filter waits for the first guest entry. */
    public static boolean isArmed() {
        return armed != null;
    }

    /**
     * Installs the armed filter, if any, once; a failure ends the guest's start (fails closed) and
     * leaves the filter armed, so every vCPU thread fails the same way.
     */
    public static void beforeGuestEntry() {
        if (armed != null) {
            install();
        }
    }

    private static synchronized void install() {
        SeccompFilter filter = armed;
        if (filter != null) {
            filter.install();
            armed = null;
        }
    }
}
