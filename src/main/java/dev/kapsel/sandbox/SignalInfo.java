package dev.kapsel.sandbox;

/**
 * The part of a {@code siginfo_t} the sandbox fills in: signal number, {@code si_code}, the
 * sender's pid (or the child's, for SIGCHLD), the child's status and the faulting address.
 */
public record SignalInfo(int signo, int code, int pid, int status, long address) {
    public static final int SI_USER = 0, SI_TKILL = -6, SI_KERNEL = 0x80;
    public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
    public static final int SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRERR = 2;

    public static SignalInfo user(int signo, int senderPid) {
        return new SignalInfo(signo, SI_USER, senderPid, 0, 0);
    }

    /** The 128-byte {@code siginfo_t} as the program sees it. */
    public byte[] encode() {
        byte[] b = new byte[128];
        put32(b, 0, signo);
        put32(b, 8, code);
        if (signo == Signals.SIGSEGV || signo == Signals.SIGBUS || signo == Signals.SIGFPE || signo == Signals.SIGILL) {
            put64(b, 16, address);
        } else {
            put32(b, 16, pid);
            put32(b, 20, 0); // uid
            if (signo == Signals.SIGCHLD) {
                put32(b, 24, status);
            }
        }
        return b;
    }

    private static void put32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void put64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
