package dev.kapsel.oci.monitor;

import dev.kapsel.oci.backend.ContainerBackend;
import sun.misc.Signal;

/**
 * Passes the signals {@code kill} sends to a monitor on to the container's process, for a backend
 * that delivers signals ({@link ContainerBackend#handlesSignals()}). Such a monitor runs without
 * {@code -Xrs}, so the JVM lets it catch SIGTERM, SIGINT and SIGHUP; signals the JVM keeps for itself
 * (SIGUSR2, SIGSEGV, ...) and SIGKILL/SIGSTOP keep their actions.
 */
final class MonitorSignals {
    /** What engines send: stop (TERM, INT, HUP, QUIT), user signals, and the terminal's size change. */
    static final String[] FORWARDED = {"TERM", "INT", "HUP", "QUIT", "USR1", "USR2", "WINCH", "CONT"};

    private MonitorSignals() {}

    static void forwardTo(ContainerBackend backend) {
        if (!backend.handlesSignals()) {
            return;
        }
        for (String name : FORWARDED) {
            try {
                Signal.handle(new Signal(name), s -> backend.signal(s.getNumber()));
            } catch (IllegalArgumentException reserved) {
                // the JVM uses this one (or -Xrs was given): it keeps its action
            }
        }
    }
}
