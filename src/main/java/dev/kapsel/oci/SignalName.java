package dev.kapsel.oci;

import dev.kapsel.sys.Signal;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Linux signal names and numbers as {@code kill} accepts them: {@code TERM}, {@code SIGTERM},
 * {@code sigterm} or {@code 15}; real-time signals as {@code RTMIN+N} / {@code RTMAX-N}.
 */
public final class SignalName {
    private SignalName() {}

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
            if (n < 1 || n > Signal.SIGRTMAX) {
                throw new InvalidSignalException(text);
            }
            return n;
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        OptionalInt classic = Signal.number(s);
        if (classic.isPresent()) {
            return classic.getAsInt();
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
                return Signal.SIGRTMIN;
            }
            if (s.equals("RTMAX")) {
                return Signal.SIGRTMAX;
            }
            if (s.startsWith("RTMIN+")) {
                int n = Signal.SIGRTMIN + Integer.parseInt(s.substring(6));
                return n <= Signal.SIGRTMAX ? n : -1;
            }
            if (s.startsWith("RTMAX-")) {
                int n = Signal.SIGRTMAX - Integer.parseInt(s.substring(6));
                return n >= Signal.SIGRTMIN ? n : -1;
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** "SIGTERM" for 15, "SIGRTMIN+2" for 36. */
    public static String name(int signal) {
        Optional<String> classic = Signal.name(signal);
        if (classic.isPresent()) {
            return "SIG" + classic.get();
        }
        return signal >= Signal.SIGRTMIN && signal <= Signal.SIGRTMAX ? "SIGRTMIN+" + (signal - Signal.SIGRTMIN) : "signal " + signal;
    }
}
