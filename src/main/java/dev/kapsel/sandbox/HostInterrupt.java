package dev.kapsel.sandbox;

/**
 * While a sandbox runs, the host's SIGINT (Ctrl-C at the terminal) is delivered to the sandbox's
 * foreground process group rather than ending the JVM; closing puts the previous handler back.
 */
@SuppressWarnings("restriction")
final class HostInterrupt implements AutoCloseable {
    private final sun.misc.SignalHandler previous;

    private HostInterrupt(sun.misc.SignalHandler previous) {
        this.previous = previous;
    }

    static HostInterrupt forward(Kernel kernel) {
        try {
            sun.misc.SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal("INT"),
                    s -> kernel.interruptForeground(Signals.SIGINT));
            return new HostInterrupt(old);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return new HostInterrupt(null);
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), previous);
            } catch (IllegalArgumentException e) {
                // nothing to put back
            }
        }
    }
}
