package dev.kapsel.sys;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The host's signal numbers (x86-64 Linux, as glibc's {@code <signal.h>} gives them) and their names
 * without the {@code SIG} prefix. Real-time signals run from {@link #SIGRTMIN} to {@link #SIGRTMAX};
 * the kernel's first two (32 and 33) are glibc's own and have no name. The sandbox's guest ABI has its
 * own table ({@code dev.kapsel.sandbox.Signals}): these are the numbers kapsel sends to host processes.
 */
public final class Signal {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGILL = 4;
    public static final int SIGTRAP = 5;
    public static final int SIGABRT = 6;
    public static final int SIGBUS = 7;
    public static final int SIGFPE = 8;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGSEGV = 11;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGSTKFLT = 16;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;
    public static final int SIGTTIN = 21;
    public static final int SIGTTOU = 22;
    public static final int SIGURG = 23;
    public static final int SIGXCPU = 24;
    public static final int SIGXFSZ = 25;
    public static final int SIGVTALRM = 26;
    public static final int SIGPROF = 27;
    public static final int SIGWINCH = 28;
    public static final int SIGIO = 29;
    public static final int SIGPWR = 30;
    public static final int SIGSYS = 31;
    /** glibc's SIGRTMIN (the kernel's is 32; glibc keeps 32 and 33 for its threads). */
    public static final int SIGRTMIN = 34;
    public static final int SIGRTMAX = 64;

    /** Index = number; the classic signals only. */
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
    /** Second names glibc defines for three of them. */
    private static final Map<String, Integer> ALIASES = Map.of("IOT", SIGABRT, "CLD", SIGCHLD, "POLL", SIGIO);

    private Signal() {}

    /** The name of classic signal {@code number} without {@code SIG} ("TERM" for 15); empty for others. */
    public static Optional<String> name(int number) {
        return number > 0 && number < NAMES.size() ? Optional.of(NAMES.get(number)) : Optional.empty();
    }

    /** The number of the classic signal (or alias) {@code name} without {@code SIG}, in upper case. */
    public static OptionalInt number(String name) {
        int i = NAMES.indexOf(name);
        if (i > 0) {
            return OptionalInt.of(i);
        }
        Integer alias = ALIASES.get(name);
        return alias != null ? OptionalInt.of(alias) : OptionalInt.empty();
    }
}
