package dev.kapsel.oci.backend;

import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.ContainerStartException;
import dev.kapsel.container.ControlServer;
import dev.kapsel.container.Isolation;
import dev.kapsel.container.IsolationKind;
import dev.kapsel.container.RunningContainer;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.oci.ContainerFailedException;
import dev.kapsel.oci.UnsupportedConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one OCI process through the container service to its end, inside the monitor or an
 * {@code exec}: starts it (or execs it into the container whose agent socket the record holds,
 * waiting while the VM boots), records the agent socket, hands the running container to whoever
 * forwards signals, and returns the status a shell would see.
 */
public final class LaunchRunner {
    /** How long an exec waits for the container's VM to boot and its agent to start the first process. */
    static final Duration BOOT_WAIT = Duration.ofSeconds(240);

    private LaunchRunner() {}

    /** Refuses what the isolation cannot run at all, as the OCI error engines expect. */
    public static void check(IsolationKind kind, ContainerLaunch launch) {
        try {
            kind.isolation().check(launch);
        } catch (ContainerStartException.Unsupported e) {
            throw new UnsupportedConfigException(e.getMessage());
        }
    }

    /** The lines {@code create} logs for what the isolation will not honour. */
    public static List<String> limitations(IsolationKind kind, ContainerLaunch launch) {
        return kind.isolation().limitations(launch).stream().map(dev.kapsel.container.Limitation::line).toList();
    }

    /**
     * Runs the container's first process ({@code exec} false) or another one in it, telling
     * {@code running} of the started container (for signal forwarding); returns its shell status.
     */
    public static int run(IsolationKind kind, ContainerLaunch launch, ContainerHandle container, boolean exec,
                          Consumer<RunningContainer> running) {
        String what = container == null ? "container" : "container " + container.id();
        Isolation isolation = kind.isolation();
        try {
            RunningContainer c;
            if (exec) {
                c = isolation.exec(launch, isolation.deliversSignals() ? awaitAgentSocket(container) : null);
            } else {
                c = isolation.start(container == null ? launch : launch.withScratch(container.directory()));
                if (container != null) {
                    c.agentSocket().ifPresent(container::recordVmSocket);
                }
            }
            try (c; ControlServer control = exec ? null : serveControl(c, container, what)) {
                running.accept(c);
                return c.await().shellStatus();
            }
        } catch (ContainerStartException.SpawnFailed e) {
            System.err.println("kapsel: " + e.getMessage());
            return e.exitStatus();
        } catch (ContainerStartException e) {
            throw new ContainerFailedException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerFailedException(what + ": interrupted", e);
        }
    }

    /**
     * Serves the container's control channel ({@code <dir>/control.sock}: runc's pause and resume) while
     * it runs, where the isolation has one; without it the container runs on and pause says why.
     */
    private static ControlServer serveControl(RunningContainer c, ContainerHandle container, String what) {
        var control = container == null ? java.util.Optional.<dev.kapsel.container.ContainerControl>empty() : c.control();
        if (control.isEmpty()) {
            return null;
        }
        try {
            return ControlServer.start(ControlServer.socketIn(container.directory()), control.get());
        } catch (java.io.IOException e) {
            System.err.println("kapsel: " + what + ": no control channel, so pause and resume will fail: " + e.getMessage());
            return null;
        }
    }

    /** The running container's agent socket; waits while its VM boots (exec may come right after start). */
    static Path awaitAgentSocket(ContainerHandle container) throws InterruptedException {
        if (container == null) {
            throw new UnsupportedConfigException("exec needs a container with stored state");
        }
        long deadline = System.nanoTime() + BOOT_WAIT.toNanos();
        while (true) {
            ContainerRecord r = container.record();
            if (r.vmSocket() != null) {
                return Path.of(r.vmSocket());
            }
            if (r.observedStatus() == ContainerStatus.STOPPED) {
                throw new dev.kapsel.oci.InvalidStateException("container " + r.id() + " is not running");
            }
            if (System.nanoTime() > deadline) {
                throw new ContainerFailedException("the VM of container " + r.id() + " did not start its process within "
                        + BOOT_WAIT.toSeconds() + " s", null);
            }
            Thread.sleep(50);
        }
    }
}
