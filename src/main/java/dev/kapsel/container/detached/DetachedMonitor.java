package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.ContainerStartException;
import dev.kapsel.container.ExitCodes;
import dev.kapsel.container.ForegroundRun;
import dev.kapsel.container.Isolation;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;

/**
 * The monitor of a detached container ({@code kapsel run -d}): leads its own session, runs the
 * container with its output in the record's log files, records "running" once the process runs and
 * the exit status at the end (or removes the container, with --rm).
 */
public final class DetachedMonitor {
    private DetachedMonitor() {}

    /** Runs the container {@code id}; returns the status the monitor exits with. */
    public static int run(ContainerRegistry registry, String id, Isolation isolation, ContainerLaunch launch)
            throws InterruptedException {
        try {
            Libc.setsid();
        } catch (SyscallException alreadyLeader) {
            // a process-group leader cannot; it has its own group already
        }
        ContainerRecord container = registry.load(id);
        try {
            isolation.check(launch);
        } catch (ContainerStartException.Unsupported e) {
            System.err.println("kapsel: " + e.getMessage());
            return ExitCodes.RUNTIME_FAILURE;
        }
        for (dev.kapsel.container.Limitation l : isolation.limitations(launch)) {
            System.err.println("kapsel: not honoured by the " + isolation.name() + " isolation: " + l.line());
        }
        boolean[] started = {false};
        int status;
        try {
            status = ForegroundRun.run(isolation, launch.withStdio(ContainerLaunch.Stdio.logs(registry.stdoutLog(id),
                    registry.stderrLog(id))), c -> {
                registry.update(id, r -> r.running(registry.clock().instant()));
                started[0] = true;
            });
        } catch (ContainerStartException.SpawnFailed e) {
            System.err.println("kapsel: " + e.getMessage());
            return e.exitStatus();
        } catch (ContainerStartException e) {
            System.err.println("kapsel: " + e.getMessage());
            return ExitCodes.RUNTIME_FAILURE;
        }
        if (started[0]) {
            // A failed start leaves the record to the parent, which reports it and removes the container.
            try {
                if (container.removeOnExit()) {
                    registry.remove(id);
                } else {
                    int s = status;
                    registry.update(id, r -> r.exited(s, registry.clock().instant()));
                }
            } catch (NoSuchContainerException removed) {
                // 'kapsel rm -f' removed it meanwhile
            }
        }
        return status;
    }
}
