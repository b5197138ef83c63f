package dev.kapsel.sandbox;

/**
 * One signal's disposition as rt_sigaction(2) stores it ({@code struct kernel_sigaction}: handler,
 * flags, restorer, mask). SIG_DFL is no SigAction at all ({@link SandboxProcess#sigaction} returns null).
 */
public record SigAction(long handler, long flags, long restorer, long mask) {
    /** Size of {@code struct kernel_sigaction} in guest memory. */
    public static final int SIZE = 32;

    public boolean ignored() {
        return handler == Signals.SIG_IGN;
    }

    /** SA_NOCLDWAIT on SIGCHLD: children are reaped at exit, never left as zombies. */
    public boolean noChildWait() {
        return (flags & Signals.SA_NOCLDWAIT) != 0;
    }

    public boolean restartsCalls() {
        return (flags & Signals.SA_RESTART) != 0;
    }

    public boolean onAltStack() {
        return (flags & Signals.SA_ONSTACK) != 0;
    }

    /** SA_NODEFER: the signal is not blocked while its handler runs. */
    public boolean noDefer() {
        return (flags & Signals.SA_NODEFER) != 0;
    }

    /** SA_RESETHAND: the disposition returns to SIG_DFL once the handler is entered. */
    public boolean resetsToDefault() {
        return (flags & Signals.SA_RESETHAND) != 0;
    }
}
