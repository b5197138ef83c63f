package dev.kapsel.sandbox;

/** Linux signal numbers, their default actions, sigaction flags, and their names. */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
            SIGURG = 23, SIGWINCH = 28, SIGSYS = 31;
    public static final int NSIG = 64;
    public static final long SIG_DFL = 0, SIG_IGN = 1;
    public static final long SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000,
            SA_RESETHAND = 0x80000000L, SA_RESTORER = 0x04000000, SA_NOCLDWAIT = 2;
    /** Signals no mask can block. */
    public static final long UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** Default action "ignore" (stop signals count as ignored here: the sandbox has no job-control stop). */
    public static boolean defaultIgnored(int sig) {
        return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT
                || sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
    }

    /** Default action "core": terminate and report a core dump in the wait status. */
    public static boolean defaultCore(int sig) {
        return sig == SIGQUIT || sig == SIGILL || sig == SIGTRAP || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE
                || sig == SIGSEGV || sig == 24 || sig == 25 || sig == SIGSYS;
    }

    public static String name(int sig) {
        return switch (sig) {
            case SIGHUP -> "SIGHUP";
            case SIGINT -> "SIGINT";
            case SIGQUIT -> "SIGQUIT";
            case SIGILL -> "SIGILL";
            case SIGTRAP -> "SIGTRAP";
            case SIGABRT -> "SIGABRT";
            case SIGBUS -> "SIGBUS";
            case SIGFPE -> "SIGFPE";
            case SIGKILL -> "SIGKILL";
            case SIGUSR1 -> "SIGUSR1";
            case SIGSEGV -> "SIGSEGV";
            case SIGUSR2 -> "SIGUSR2";
            case SIGPIPE -> "SIGPIPE";
            case SIGALRM -> "SIGALRM";
            case SIGTERM -> "SIGTERM";
            case SIGCHLD -> "SIGCHLD";
            case SIGSYS -> "SIGSYS";
            default -> "signal " + sig;
        };
    }
}
