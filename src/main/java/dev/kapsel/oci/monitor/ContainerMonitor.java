package dev.kapsel.oci.monitor;

import dev.kapsel.agent.TerminalSize;
import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.ExitCodes;
import dev.kapsel.container.IsolationKind;
import dev.kapsel.container.RunningContainer;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.DetachedMonitor;
import dev.kapsel.host.ForwardedSignals;
import dev.kapsel.host.MonitorSeccomp;
import dev.kapsel.oci.ContainerNotFoundException;
import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.backend.Backends;
import dev.kapsel.oci.backend.ContainerHandle;
import dev.kapsel.oci.backend.LaunchRunner;
import dev.kapsel.oci.backend.OciLaunch;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.state.StateStore;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Terminal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The one monitor program: the host process that stands for a container, started with a
 * {@link MonitorRequest} file as its one argument. A {@code kapsel run -d} container's monitor runs it
 * through {@link DetachedMonitor} with its output in the container's logs. An OCI container's monitor,
 * started detached by {@code create} (or by {@code exec --detach}), it leads its own
 * session, keeps the stdio it was given (the engine's pipes or the terminal), waits for {@code start}
 * on the {@link StartFifo}, runs the container's process through the container service in this JVM
 * and exits with that process's status. Its PID is the one engines see in {@code --pid-file} and
 * wait for. Signals sent to it are the container's: with an isolation that delivers signals they are
 * caught from {@code start} on and passed on (those arriving while the VM boots, once the process
 * runs); otherwise (and before {@code start}) a terminating one ends the monitor, and the container in it.
 */
public final class ContainerMonitor {
    private ContainerMonitor() {}

    public static void main(String[] args) {
        int status;
        RuntimeLog log = new RuntimeLog(null, RuntimeLog.Format.TEXT, System.err);
        String id = "?";
        try {
            // The filter goes on just before the guest's first instruction; set-up runs unfiltered.
            MonitorSeccomp.confineAtGuestEntry();
            MonitorRequest request = MonitorRequest.readOnce(Path.of(args[0]));
            id = request.id();
            status = switch (request) {
                case MonitorRequest.Oci oci -> {
                    log = oci.log();
                    yield run(oci);
                }
                case MonitorRequest.Detached d -> DetachedMonitor.run(new ContainerRegistry(d.registry(), Clock.systemUTC()), d.id(),
                        d.isolation().isolation(), d.launch());
            };
        } catch (InterruptedException e) {
            status = ExitCodes.RUNTIME_FAILURE;
        } catch (RuntimeException | java.io.IOException e) {
            log.error("container " + id + ": " + e.getMessage());
            status = ExitCodes.RUNTIME_FAILURE;
        }
        System.exit(status);
    }

    private static int run(MonitorRequest.Oci request) throws java.io.IOException {
        leadSession(request.tty());
        StateStore store = new StateStore(request.root());
        String id = request.id();
        ContainerRecord record = store.load(id);
        Path dir = store.directory(id);
        OciConfig config = ConfigReader.parse(Files.readString(dir.resolve("config.json")));
        IsolationKind kind = Backends.byName(record.isolation());
        ContainerLaunch launch = OciLaunch.of(config, Path.of(record.bundle()));
        ContainerHandle handle = new ContainerHandle(store, id);
        if (request.mode() == MonitorRequest.Mode.EXEC) {
            launch = launch.withProcess(OciLaunch.process(request.process(), null));
            return runForwarding(kind, launch, handle, true);
        }
        StartFifo.awaitStart(dir.resolve(StartFifo.NAME));
        int status = runForwarding(kind, launch, handle, false);
        try {
            store.update(id, r -> r.exited(status, java.time.Instant.now()));
        } catch (ContainerNotFoundException deleted) {
            // deleted while running (delete --force): nothing to record
        }
        return status;
    }

    /** Runs the process with the signals this monitor catches passed on to it. */
    static int runForwarding(IsolationKind kind, ContainerLaunch launch, ContainerHandle handle, boolean exec) {
        if (!kind.isolation().deliversSignals()) {
            return LaunchRunner.run(kind, launch, handle, exec, c -> { });
        }
        PendingSignals pending = new PendingSignals();
        try (ForwardedSignals ignored = ForwardedSignals.install(pending::deliver)) {
            return LaunchRunner.run(kind, launch, handle, exec, pending::attach);
        }
    }

    /** Signals caught before the process runs wait for it; SIGWINCH becomes a resize to the monitor's terminal. */
    static final class PendingSignals {
        private final List<Integer> queued = new ArrayList<>();
        private RunningContainer running;

        synchronized void attach(RunningContainer c) {
            running = c;
            queued.forEach(this::deliver);
            queued.clear();
        }

        synchronized void deliver(int signal) {
            if (running == null) {
                queued.add(signal);
            } else if (signal == ForwardedSignals.SIGWINCH) {
                Terminal.windowSize(0).filter(size -> size.rows() > 0 && size.cols() > 0)
                        .ifPresent(size -> running.resize(new TerminalSize(size.rows(), size.cols())));
            } else {
                running.signal(signal);
            }
        }
    }

    private static void leadSession(boolean tty) {
        try {
            Libc.setsid();
        } catch (RuntimeException alreadyLeader) {
            // a process-group leader cannot; it already has its own group
        }
        if (tty) {
            try {
                Terminal.makeControlling(0);
            } catch (RuntimeException e) {
                // job control signals from the terminal are a nicety; the terminal works as stdio regardless
            }
        }
    }
}
