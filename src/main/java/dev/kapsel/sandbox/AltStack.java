package dev.kapsel.sandbox;

/** A thread's alternate signal stack as sigaltstack(2) sets it: {@code [sp, sp + size)}, unless disabled. */
record AltStack(long sp, long size, boolean disabled) {
    static final AltStack DISABLED = new AltStack(0, 0, true);
    /** {@code ss_flags} values. */
    static final int SS_ONSTACK = 1, SS_DISABLE = 2;

    /** Whether a stack pointer of {@code rsp} is on this stack (the kernel's on_sig_stack). */
    boolean contains(long rsp) {
        return !disabled && rsp > sp && rsp <= sp + size;
    }

    /** The {@code ss_flags} sigaltstack and a signal frame's uc_stack report for a thread at {@code rsp}. */
    int flags(long rsp) {
        return disabled ? SS_DISABLE : contains(rsp) ? SS_ONSTACK : 0;
    }

    /** Where a handler's frame starts: the top of this stack. */
    long top() {
        return sp + size;
    }
}
