package dev.kapsel.sys.seccomp;

import java.util.Locale;

/**
 * What a seccomp filter returns ({@code SECCOMP_RET_*} of {@code linux/seccomp.h}): {@link #ALLOW} for
 * a call on the list, one of the others for everything else.
 */
public enum SeccompAction {
    /** The whole process ends with SIGSYS (and a core dump, where the host writes them). */
    KILL_PROCESS(0x80000000),
    /** The calling thread gets SIGSYS; the JVM has no handler for it, so its default action ends the process too. */
    TRAP(0x00030000),
    /** The call is made and the kernel logs it ({@code type=1326 ... syscall=N} in the kernel log). */
    LOG(0x7ffc0000),
    ALLOW(0x7fff0000);

    private final int value;

    SeccompAction(int value) {
        this.value = value;
    }

    /** The 32-bit value the filter returns. */
    public int value() {
        return value;
    }

    /** The action's name in {@code /proc/sys/kernel/seccomp/actions_avail} ("kill_process", "trap", "log", "allow"). */
    public String kernelName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
