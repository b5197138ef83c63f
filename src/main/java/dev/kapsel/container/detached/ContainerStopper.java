package dev.kapsel.container.detached;

import dev.kapsel.host.ProcessIdentity;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Signal;
import java.time.Duration;
import java.util.Optional;

/**
 * Stops detached containers through their monitor process: SIGTERM, which the monitor forwards to the
 * container's process in the guest, then SIGKILL to the monitor (and with it the micro-VM) once the
 * grace period is over. When the monitor died without recording the exit, the stopper records it as
 * 128 + the signal it sent (or removes the container if it was started with {@code --rm}).
 */
public final class ContainerStopper {
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long a SIGKILLed monitor may take to disappear (the kernel frees the VM's memory). */
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    /** How a stop ended. */
    public enum Outcome { ALREADY_STOPPED, STOPPED, KILLED }

    private final ContainerRegistry registry;

    public ContainerStopper(ContainerRegistry registry) {
        this.registry = registry;
    }

    /** SIGTERM, up to {@code grace} for the container to end, then SIGKILL. */
    public Outcome stop(DetachedContainer container, Duration grace) throws InterruptedException {
        Optional<ProcessIdentity> monitor = liveMonitor(container);
        if (monitor.isEmpty()) {
            return Outcome.ALREADY_STOPPED;
        }
        signal(monitor.get(), Signal.SIGTERM);
        if (awaitDeath(monitor.get(), grace)) {
            recordDeath(container.id(), Signal.SIGTERM);
            return Outcome.STOPPED;
        }
        kill(container);
        return Outcome.KILLED;
    }

    /** SIGKILL at once; returns false if the container was not running. */
    public boolean kill(DetachedContainer container) throws InterruptedException {
        Optional<ProcessIdentity> monitor = liveMonitor(container);
        if (monitor.isEmpty()) {
            return false;
        }
        signal(monitor.get(), Signal.SIGKILL);
        if (!awaitDeath(monitor.get(), KILL_WAIT)) {
            throw new IllegalStateException("the monitor of container " + container.name() + " (pid " + monitor.get().pid()
                    + ") survived SIGKILL for " + KILL_WAIT.toSeconds() + " s");
        }
        recordDeath(container.id(), Signal.SIGKILL);
        return true;
    }

    private static Optional<ProcessIdentity> liveMonitor(DetachedContainer container) {
        return container.monitor().filter(ProcessIdentity::isAlive);
    }

    private static void signal(ProcessIdentity monitor, int signal) {
        try {
            Libc.kill(Math.toIntExact(monitor.pid()), signal);
        } catch (dev.kapsel.sys.SyscallException gone) {
            // ESRCH: it ended between the check and the signal
        }
    }

    /** Waits until the monitor is gone; false if it still lives after {@code timeout}. */
    static boolean awaitDeath(ProcessIdentity monitor, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (monitor.isAlive()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL);
        }
        return true;
    }

    /** The monitor is gone: if it could not record the exit itself, record what our signal did. */
    private void recordDeath(String id, int signal) {
        try {
            DetachedContainer now = registry.load(id);
            if (now.phase() == DetachedContainer.Phase.EXITED) {
                return;
            }
            if (now.removeOnExit()) {
                registry.remove(id);
            } else {
                registry.update(id, r -> r.exited(128 + signal, registry.clock().instant()));
            }
        } catch (NoSuchContainerException removed) {
            // --rm: the monitor removed it on its way out
        }
    }
}
