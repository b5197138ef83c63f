package dev.kapsel.container;

import dev.kapsel.host.ForwardedSignals;
import java.util.function.Consumer;

/**
 * Runs a container to its end in this process, as {@code kapsel run} and a detached container's
 * monitor do: start, then (when the isolation can deliver them) the signals of
 * {@link ForwardedSignals#FORWARDED} sent to this process go to the container's, then wait for its
 * end, then free what it holds.
 */
public final class ForegroundRun {
    private ForegroundRun() {}

    /** Returns the shell-style status; {@code started} is told once the process runs. */
    public static int run(Isolation isolation, ContainerLaunch launch, Consumer<RunningContainer> started)
            throws ContainerStartException, InterruptedException {
        RunningContainer c = isolation.start(launch);
        ForwardedSignals forwarding = isolation.deliversSignals() ? ForwardedSignals.install(c::signal) : null;
        try (c) {
            started.accept(c);
            return c.await().shellStatus();
        } finally {
            if (forwarding != null) {
                forwarding.close();
            }
        }
    }
}
