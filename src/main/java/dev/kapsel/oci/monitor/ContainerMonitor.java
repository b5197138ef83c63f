package dev.kapsel.oci.monitor;

import dev.kapsel.oci.ContainerNotFoundException;
import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.backend.Backends;
import dev.kapsel.oci.backend.ContainerHandle;
import dev.kapsel.oci.backend.ContainerBackend;
import dev.kapsel.oci.backend.ContainerLaunch;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.state.ContainerRecord;
import dev.kapsel.oci.state.StateStore;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Terminal;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host process that stands for a container: started detached by {@code create} (or by
 * {@code exec --detach}), it leads its own session, keeps the stdio it was given (the engine's pipes
 * or the terminal), waits for {@code start} on the {@link StartFifo}, runs the container's process
 * through the backend in this JVM and exits with that process's status. Its PID is the one engines
 * see in {@code --pid-file} and wait for. Signals sent to it are the container's: with a backend that
 * delivers signals they are caught and passed on from {@code start} on; otherwise (and before
 * {@code start}) a terminating one ends the monitor, and the container in it.
 *
 * <p>Arguments: {@code init|exec ROOT ID LOG|- TEXT|JSON [PROCESS-FILE] [tty]}.
 */
public final class ContainerMonitor {
    private ContainerMonitor() {}

    public static void main(String[] args) {
        String mode = args[0];
        StateStore store = new StateStore(Path.of(args[1]));
        String id = args[2];
        RuntimeLog log = new RuntimeLog(args[3].equals("-") ? null : Path.of(args[3]), RuntimeLog.Format.valueOf(args[4]), System.err);
        boolean tty = args[args.length - 1].equals("tty");
        int status;
        try {
            leadSession(tty);
            ContainerRecord record = store.load(id);
            Path dir = store.directory(id);
            OciConfig config = ConfigReader.parse(Files.readString(dir.resolve("config.json")));
            ContainerBackend backend = Backends.byName(record.backend());
            ContainerLaunch launch = ContainerLaunch.of(config, Path.of(record.bundle())).in(new ContainerHandle(store, id));

            if (mode.equals("exec")) {
                launch = launch.withProcess(ConfigReader.readProcess(Path.of(args[5])));
                Files.deleteIfExists(Path.of(args[5])); // written by exec --detach for this monitor alone
                MonitorSignals.forwardTo(backend);
                status = backend.run(launch);
            } else {
                StartFifo.awaitStart(dir.resolve(StartFifo.NAME));
                MonitorSignals.forwardTo(backend);
                status = backend.run(launch);
                int s = status;
                try {
                    store.update(id, r -> r.withExit(s));
                } catch (ContainerNotFoundException deleted) {
                    // deleted while running (delete --force): nothing to record
                }
            }
        } catch (RuntimeException | java.io.IOException e) {
            log.error("container " + id + ": " + e.getMessage());
            status = 125;
        }
        System.exit(status);
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
