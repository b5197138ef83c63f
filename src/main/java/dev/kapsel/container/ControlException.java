package dev.kapsel.container;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A control request ({@link ControlClient#send}) that did not succeed, one case per cause. Each
 * message is one line naming the verb and the socket, fit to print as it is.
 */
public abstract sealed class ControlException extends Exception {
    private final Path socket;
    private final String verb;

    private ControlException(Path socket, String verb, String message, Throwable cause) {
        super(verb + ": " + message, cause);
        this.socket = socket;
        this.verb = verb;
    }

    public Path socket() {
        return socket;
    }

    public String verb() {
        return verb;
    }

    /** Nothing listens on the socket: it does not exist, or its monitor is gone (ECONNREFUSED). */
    public static final class NoMonitor extends ControlException {
        NoMonitor(Path socket, String verb, String reason, Throwable cause) {
            super(socket, verb, "no monitor is listening on " + socket + " (" + reason + ")", cause);
        }
    }

    /** The monitor answered {@code error}: it understood the request and would not or could not do it. */
    public static final class Refused extends ControlException {
        private final String reason;

        Refused(Path socket, String verb, String reason) {
            super(socket, verb, "refused by the monitor on " + socket + ": " + reason, null);
            this.reason = reason;
        }

        /** The monitor's own words, as it sent them. */
        public String reason() {
            return reason;
        }
    }

    /** The monitor accepted the connection but did not answer in time (it may still carry the request out). */
    public static final class TimedOut extends ControlException {
        TimedOut(Path socket, String verb, Duration timeout, Throwable cause) {
            super(socket, verb, "the monitor on " + socket + " did not answer within " + timeout.toMillis() + " ms",
                    cause);
        }
    }

    /** The conversation broke off or the answer was not the protocol's (an I/O error, a garbled line). */
    public static final class Broken extends ControlException {
        Broken(Path socket, String verb, String what, Throwable cause) {
            super(socket, verb, "the conversation with the monitor on " + socket + " broke: " + what, cause);
        }
    }
}
