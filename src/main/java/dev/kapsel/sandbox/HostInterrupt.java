package dev.kapsel.sandbox;

import dev.kapsel.host.ForwardedSignals;
import java.util.List;

/**
 * While a sandbox runs, the host's SIGINT (Ctrl-C at the terminal) is delivered to the sandbox's
 * foreground process group rather than ending the JVM; closing puts the previous handler back. The
 * catching is {@link ForwardedSignals}'; of its set the sandbox takes INT only, the one a terminal
 * user sends (the others keep their actions: the sandbox cannot deliver a signal from outside yet).
 */
final class HostInterrupt implements AutoCloseable {
    private final ForwardedSignals installed;

    private HostInterrupt(ForwardedSignals installed) {
        this.installed = installed;
    }

    static HostInterrupt forward(Kernel kernel) {
        return new HostInterrupt(ForwardedSignals.install(List.of("INT"), s -> kernel.interruptForeground(Signals.SIGINT)));
    }

    @Override
    public void close() {
        installed.close();
    }
}
