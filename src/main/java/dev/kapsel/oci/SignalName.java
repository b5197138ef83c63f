package dev.kapsel.oci;

import java.util.List;
import java.util.Locale;

/**
 * Linux signal names and numbers as {@code kill} accepts them: {@code TERM}, {@code SIGTERM},
 * {@code sigterm} or {@code 15}; real-time signals as {@code RTMIN+N} / {@code RTMAX-N}.
 */
public final class SignalName {
    private SignalName() {}

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int MAX = 64;
    private static final int RTMIN = 34;

    /** Index = signal number (x86-64 Linux); null where a number has no classic name. */
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    public static int parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSignalException(String.valueOf(text));
        }
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit)) {
            if (s.length() > 3) {
                throw new InvalidSignalException(text);
            }
            int n = Integer.parseInt(s);
            if (n < 1 || n > MAX) {
                throw new InvalidSignalException(text);
            }
            return n;
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        switch (s) {
            case "IOT" -> { return 6; }
            case "CLD" -> { return 17; }
            case "POLL" -> { return 29; }
            default -> { }
        }
        int i = NAMES.indexOf(s);
        if (i > 0) {
            return i;
        }
        int rt = realtime(s);
        if (rt > 0) {
            return rt;
        }
        throw new InvalidSignalException(text);
    }

    /** As {@link #parse}, and also {@code 0}: kill(2)'s "does it exist" probe, which {@code kill ID 0} passes on as runc does. */
    public static int parseOrProbe(String text) {
        return text != null && text.trim().equals("0") ? 0 : parse(text);
    }

    private static int realtime(String s) {
        try {
            if (s.equals("RTMIN")) {
                return RTMIN;
            }
            if (s.equals("RTMAX")) {
                return MAX;
            }
            if (s.startsWith("RTMIN+")) {
                int n = RTMIN + Integer.parseInt(s.substring(6));
                return n <= MAX ? n : -1;
            }
            if (s.startsWith("RTMAX-")) {
                int n = MAX - Integer.parseInt(s.substring(6));
                return n >= RTMIN ? n : -1;
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** "SIGTERM" for 15, "SIGRTMIN+2" for 36. */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.size()) {
            return "SIG" + NAMES.get(signal);
        }
        return signal >= RTMIN && signal <= MAX ? "SIGRTMIN+" + (signal - RTMIN) : "signal " + signal;
    }
}
