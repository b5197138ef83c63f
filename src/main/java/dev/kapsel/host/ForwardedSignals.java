package dev.kapsel.host;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Host signals sent to this JVM passed on to what it runs: the one place kapsel catches signals
 * ({@code sun.misc.Signal}). Used by {@code kapsel run} and the container monitor (to the container's
 * process) and by the sandbox (SIGINT to its foreground process group). Closing puts the previous
 * handlers back.
 *
 * <p>The one signal set, {@link #FORWARDED}: what engines and users send to stop (TERM, INT, HUP,
 * QUIT), the user signals, the terminal's size change and CONT. A JVM started with {@code -Xrs} (a
 * monitor whose isolation cannot deliver signals) refuses them, and they keep their default action
 * (ending the process, and the container in it); so do signals the JVM keeps for itself (SEGV, ...)
 * and KILL and STOP, which nobody can catch.
 */
@SuppressWarnings("restriction")
public final class ForwardedSignals implements AutoCloseable {
    public static final List<String> FORWARDED = List.of("TERM", "INT", "HUP", "QUIT", "USR1", "USR2", "WINCH", "CONT");
    /** SIGWINCH's number on Linux x86-64. */
    public static final int SIGWINCH = 28;

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private ForwardedSignals() {}

    /** Catches each signal of {@code names} the JVM lets us catch and passes its number to {@code target}. */
    public static ForwardedSignals install(List<String> names, IntConsumer target) {
        ForwardedSignals installed = new ForwardedSignals();
        for (String name : names) {
            try {
                Signal s = new Signal(name);
                SignalHandler old = Signal.handle(s, caught -> target.accept(caught.getNumber()));
                installed.signals.add(s);
                installed.previous.add(old);
            } catch (IllegalArgumentException | UnsupportedOperationException reserved) {
                // the JVM keeps this one (or runs with -Xrs): it keeps its default action
            }
        }
        return installed;
    }

    /** {@link #FORWARDED} to {@code target}. */
    public static ForwardedSignals install(IntConsumer target) {
        return install(FORWARDED, target);
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            try {
                Signal.handle(signals.get(i), previous.get(i));
            } catch (IllegalArgumentException nothingToRestore) {
                // as at install
            }
        }
        signals.clear();
        previous.clear();
    }
}
