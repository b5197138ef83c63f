package dev.kapsel.container;

import dev.kapsel.agent.ExitStatus;
import dev.kapsel.agent.TerminalSize;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One started container process, with what can be done to it while it runs. {@link #close()} frees
 * what the container holds (for a micro-VM: the VM, its sockets and its root image); {@link #await()}
 * does not, so a caller can record the exit status first.
 */
public interface RunningContainer extends AutoCloseable {
    /** Sends {@code signal} to the process. */
    void signal(int signal) throws NotSupportedException;

    /** Tells the process's terminal its new size (nothing without a terminal). */
    void resize(TerminalSize size);

    /** Starts another process in this container (a micro-VM's agent starts it beside the first). */
    default RunningContainer exec(ContainerLaunch.Process process, ContainerLaunch.Stdio stdio)
            throws ContainerStartException, InterruptedException {
        throw new NotSupportedException("exec into this container is not supported");
    }

    /** Waits for the process to end and its output to be copied; returns how it ended. */
    ExitStatus await() throws InterruptedException;

    /**
     * What another process may do to the running container through its monitor's control channel
     * ({@link ControlServer}: pause, resume); empty where the isolation offers none.
     */
    default Optional<ContainerControl> control() {
        return Optional.empty();
    }

    /** Where another process reaches this container's agent ({@link Isolation#exec}); empty without one. */
    default Optional<Path> agentSocket() {
        return Optional.empty();
    }

    /** How long the start took, by phase, when the isolation measures it (for bench/run). */
    default Optional<Phases> phases() {
        return Optional.empty();
    }

    /** Phase timings: start to a running process, and from there to its end. */
    record Phases(long startNanos, long runNanos) {}

    @Override
    void close();
}
