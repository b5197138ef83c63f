package dev.kapsel.container;

import java.nio.file.Path;
import java.util.List;

/**
 * A way to run containers, stateless: every container it starts is a {@link RunningContainer} of its
 * own, so one instance serves every caller ({@code kapsel run}, {@code run -d}, the OCI monitor).
 * The names are {@link IsolationKind}'s.
 */
public interface Isolation {
    IsolationKind kind();

    default String name() {
        return kind().id();
    }

    /**
     * Refuses what this isolation cannot run at all, before anything is created: a missing root or
     * program, memory below its minimum, a host that cannot run it.
     */
    void check(ContainerLaunch launch) throws ContainerStartException.Unsupported;

    /** What the launch asks for that this isolation will not honour, one typed item and line each. */
    List<Limitation> limitations(ContainerLaunch launch);

    /**
     * Starts the container's process and returns once it runs (for a micro-VM: the VM booted and its
     * agent started the process). The process's stdio are copied until it ends.
     */
    RunningContainer start(ContainerLaunch launch) throws ContainerStartException, InterruptedException;

    /**
     * Starts {@code launch}'s process in the running container another process started, reached at
     * {@code agentSocket} (what {@link RunningContainer#agentSocket()} gave it; null for an isolation
     * that has none, which starts the process beside it over the same root).
     */
    RunningContainer exec(ContainerLaunch launch, Path agentSocket) throws ContainerStartException, InterruptedException;

    /**
     * Whether {@link RunningContainer#signal} reaches the process. If not, whoever hosts the container
     * keeps the default signal actions, so a terminating signal ends the host process and the
     * container in it (the monitor's {@code -Xrs}).
     */
    boolean deliversSignals();
}
