package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.host.ProcessDeath;
import dev.kapsel.host.ProcessIdentity;
import java.time.Duration;
import java.util.Optional;

/**
 * Stops detached containers through their monitor process: SIGTERM, which the monitor forwards to the
 * container's process in the guest, then SIGKILL to the monitor (and with it the micro-VM) once the
 * grace period is over. When the monitor died without recording the exit, the stopper records it as
 * 128 + the signal it sent (or removes the container if it was started with {@code --rm}).
 */
public final class ContainerStopper {
    static final int SIGKILL = ProcessDeath.SIGKILL;
    static final int SIGTERM = ProcessDeath.SIGTERM;

    /** How a stop ended. */
    public enum Outcome { ALREADY_STOPPED, STOPPED, KILLED }

    private final ContainerRegistry registry;

    public ContainerStopper(ContainerRegistry registry) {
        this.registry = registry;
    }

    /** SIGTERM, up to {@code grace} for the container to end, then SIGKILL. */
    public Outcome stop(ContainerRecord container, Duration grace) throws InterruptedException {
        Optional<ProcessIdentity> monitor = liveMonitor(container);
        if (monitor.isEmpty()) {
            return Outcome.ALREADY_STOPPED;
        }
        ProcessDeath.signal(monitor.get(), SIGTERM);
        if (ProcessDeath.await(monitor.get(), grace)) {
            recordDeath(container.id(), SIGTERM);
            return Outcome.STOPPED;
        }
        kill(container);
        return Outcome.KILLED;
    }

    /** SIGKILL at once; returns false if the container was not running. */
    public boolean kill(ContainerRecord container) throws InterruptedException {
        Optional<ProcessIdentity> monitor = liveMonitor(container);
        if (monitor.isEmpty()) {
            return false;
        }
        ProcessDeath.kill(monitor.get(), "the monitor of container " + container.name());
        recordDeath(container.id(), SIGKILL);
        // a killed monitor could not take its bridge lease, tap and rules back: take them back now
        dev.kapsel.container.bridge.BridgeNetwork.sweepDefault();
        return true;
    }

    private static Optional<ProcessIdentity> liveMonitor(ContainerRecord container) {
        return container.monitor().filter(ProcessIdentity::isAlive);
    }

    /** The monitor is gone: if it could not record the exit itself, record what our signal did. */
    private void recordDeath(String id, int signal) {
        try {
            ContainerRecord now = registry.load(id);
            if (now.status() == ContainerStatus.STOPPED) {
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
