package dev.kapsel.host;

import dev.kapsel.sys.seccomp.FilterAtGuestEntry;
import dev.kapsel.sys.seccomp.SeccompAction;
import dev.kapsel.sys.seccomp.SeccompFilter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The seccomp policy of container monitors: what a call off {@link MonitorSyscalls#ALLOWED} meets.
 * {@code KAPSEL_SECCOMP=kill|trap|log|off} in the environment chooses, {@code kill} by default;
 * {@code --no-seccomp} on {@code run} and {@code create} turns it off for this process and the
 * monitors it starts ({@link #disable}; {@link MonitorCommand} passes the choice on in the monitor's
 * environment). Kill is the default rather than trap because the JVM has no SIGSYS handler: a trap
 * would end the process by the signal's default action anyway, one thread later and with a core
 * dump, while kill ends the whole process in the kernel at once (SIGSYS as its status either way).
 */
public final class MonitorSeccomp {
    public static final String ENVIRONMENT = "KAPSEL_SECCOMP";

    /** The choices, by their word. */
    public enum Mode {
        KILL(SeccompAction.KILL_PROCESS), TRAP(SeccompAction.TRAP), LOG(SeccompAction.LOG), OFF(null);

        private final SeccompAction action;

        Mode(SeccompAction action) {
            this.action = action;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The filter's action for a call off the list; empty when off. */
        public Optional<SeccompAction> action() {
            return Optional.ofNullable(action);
        }

        public static Optional<Mode> byWord(String word) {
            return Arrays.stream(values()).filter(m -> m.word().equals(word)).findFirst();
        }
    }

    public static final Mode DEFAULT = Mode.KILL;

    private static volatile Mode override;

    private MonitorSeccomp() {}

    /** {@code --no-seccomp}: this process and the monitors it starts run unfiltered. */
    public static void disable() {
        override = Mode.OFF;
    }

    /** The mode of this process: {@code --no-seccomp}, else {@code KAPSEL_SECCOMP}, else {@link #DEFAULT}. */
    public static Mode mode() {
        Mode m = override;
        return m != null ? m : of(System.getenv(ENVIRONMENT));
    }

    /** The mode {@code KAPSEL_SECCOMP}'s value names; unset or empty is the default, a word kapsel does not know is refused. */
    static Mode of(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT;
        }
        return Mode.byWord(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> new IllegalArgumentException(
                ENVIRONMENT + "=" + value + ": kapsel knows kill, trap, log and off"));
    }

    /** The monitors' filter under {@code mode}; empty when off. */
    public static Optional<SeccompFilter> filter(Mode mode) {
        return mode.action().map(a -> SeccompFilter.ofNames(MonitorSyscalls.ALLOWED, a));
    }

    /**
     * Called by a monitor's entry point: this process installs the filter of {@link #mode()} just
     * before its first guest instruction ({@link FilterAtGuestEntry}), unless it is off.
     */
    public static void confineAtGuestEntry() {
        filter(mode()).ifPresent(FilterAtGuestEntry::arm);
    }
}
