package dev.kapsel.container;

import dev.kapsel.agent.AgentProcess;
import java.io.IOException;
import sun.misc.Signal;

/** Ctrl-C (SIGINT), SIGTERM and SIGHUP sent to kapsel are passed on to the container process. */
final class ForwardedSignals {
    private ForwardedSignals() {}

    static void install(AgentProcess process) {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    try {
                        process.signal(s.getNumber());
                    } catch (IOException ignored) {
                        // The process is gone; its exit status is on its way.
                    }
                });
            } catch (IllegalArgumentException ignored) {
                // The JVM reserves this signal (e.g. with -Xrs); it keeps its default action.
            }
        }
    }
}
