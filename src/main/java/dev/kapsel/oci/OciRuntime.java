package dev.kapsel.oci;

import dev.kapsel.oci.backend.Backends;
import dev.kapsel.oci.backend.ContainerHandle;
import dev.kapsel.oci.backend.ContainerBackend;
import dev.kapsel.oci.backend.ContainerLaunch;
import dev.kapsel.oci.console.ConsoleSocket;
import dev.kapsel.oci.console.Pty;
import dev.kapsel.oci.monitor.MonitorLauncher;
import dev.kapsel.oci.monitor.StartFifo;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import dev.kapsel.oci.state.ContainerRecord;
import dev.kapsel.oci.state.ContainerStatus;
import dev.kapsel.host.ProcessIdentity;
import dev.kapsel.oci.state.StateReport;
import dev.kapsel.oci.state.StateStore;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Signal;
import dev.kapsel.sys.SyscallException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The OCI runtime operations (create, start, state, kill, delete, exec) over a {@link StateStore}.
 * A container is a monitor process ({@link dev.kapsel.oci.monitor.ContainerMonitor}) plus its record;
 * the record's status is trusted only while the monitor (PID and start time) lives.
 */
public final class OciRuntime {
    private static final long DELETE_WAIT_MILLIS = 5000;

    private final StateStore store;
    private final RuntimeLog log;

    public OciRuntime(StateStore store, RuntimeLog log) {
        this.store = store;
        this.log = log;
    }

    public StateStore store() {
        return store;
    }

    /**
     * {@code create}'s flags as engines pass them. {@code lentTerminal}: the caller's own terminal
     * (a device path such as {@code /dev/pts/3}) for a {@code terminal: true} container without a
     * console socket, which then runs on it (runc's foreground {@code run}); null otherwise.
     */
    public record CreateRequest(String id, Path bundle, Path pidFile, String consoleSocket, String lentTerminal) {
        public CreateRequest(String id, Path bundle, Path pidFile, String consoleSocket) {
            this(id, bundle, pidFile, consoleSocket, null);
        }
    }

    /**
     * Checks everything first (id, config, backend), so that a bad bundle leaves nothing behind; then
     * claims the id, starts the monitor and writes the pid file.
     */
    public ContainerRecord create(CreateRequest request) {
        StateStore.checkId(request.id());
        Path bundle = request.bundle().toAbsolutePath().normalize();
        OciConfig config = ConfigReader.readBundle(bundle);
        ContainerBackend backend = Backends.select(config);
        ContainerLaunch launch = ContainerLaunch.of(config, bundle);
        backend.check(launch);
        if (config.process().terminal() && request.consoleSocket() == null && request.lentTerminal() == null) {
            throw new InvalidConfigException("process.terminal is true but no --console-socket was given");
        }
        List<String> limits = backend.limitations(config);
        if (!limits.isEmpty()) {
            log.warn("container " + request.id() + ": not honoured by the " + backend.name() + " backend: " + String.join("; ", limits));
        }
        ContainerRecord record = new ContainerRecord(request.id(), ContainerStatus.CREATING, 0, 0, bundle.toString(),
                launch.rootfs().toString(), Instant.now().toString(), config.annotations(), backend.name(), null, null);
        Path dir = store.create(record);
        ProcessIdentity monitor = null;
        try {
            Files.writeString(dir.resolve("config.json"), Files.readString(bundle.resolve("config.json")));
            StartFifo.create(dir);
            boolean tty = config.process().terminal();
            boolean lent = tty && request.consoleSocket() == null;
            try (Pty pty = tty && !lent ? Pty.open() : null) {
                List<String> args = MonitorLauncher.args("init", store.root(), request.id(), log, tty ? "tty" : "pipes");
                String terminal = lent ? request.lentTerminal() : tty ? pty.slavePath() : null;
                monitor = MonitorLauncher.launch(args, terminal, backend.handlesSignals());
                if (pty != null) {
                    ConsoleSocket.sendMaster(request.consoleSocket(), pty.master(), pty.slavePath());
                }
            }
            ProcessIdentity m = monitor;
            ContainerRecord created = store.update(request.id(), r -> r.withMonitor(m).withStatus(ContainerStatus.CREATED));
            if (request.pidFile() != null) {
                writePidFile(request.pidFile(), monitor.pid());
            }
            return created;
        } catch (RuntimeException | IOException e) {
            if (monitor != null) {
                signalQuietly(monitor, Signal.SIGKILL);
            }
            store.remove(request.id());
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot create container " + request.id() + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    public void start(String id) {
        ContainerRecord record = store.load(id);
        ContainerStatus now = record.observedStatus();
        if (now != ContainerStatus.CREATED) {
            throw new InvalidStateException("container " + id + " is " + now.json() + "; start needs a created container");
        }
        StartFifo.release(store.directory(id).resolve(StartFifo.NAME), record.monitor(), id);
        store.update(id, r -> r.status() == ContainerStatus.CREATED ? r.withStatus(ContainerStatus.RUNNING) : r);
    }

    public StateReport state(String id) {
        return store.load(id).report();
    }

    public List<StateReport> list() {
        return store.list().stream().map(ContainerRecord::report).toList();
    }

    /** Sends {@code signal} to the container's monitor, which stands for the container's process. */
    public void kill(String id, int signal) {
        ContainerRecord record = store.load(id);
        ContainerStatus now = record.observedStatus();
        if (now != ContainerStatus.CREATED && now != ContainerStatus.RUNNING) {
            throw new InvalidStateException("container " + id + " is not running");
        }
        try {
            Libc.kill((int) record.pid(), signal);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) {
                throw new InvalidStateException("container " + id + " is not running");
            }
            throw e;
        }
    }

    /**
     * Removes a stopped or created container (a created one is killed first, as runc does); a running
     * one only with {@code force}, which kills it and waits for its monitor to end. {@code force} on an
     * unknown id succeeds.
     */
    public void delete(String id, boolean force) {
        ContainerRecord record;
        try {
            record = store.load(id);
        } catch (ContainerNotFoundException e) {
            if (force) {
                return;
            }
            throw e;
        }
        ContainerStatus now = record.observedStatus();
        if (now == ContainerStatus.RUNNING && !force) {
            throw new InvalidStateException("container " + id + " is running; stop it first or use delete --force");
        }
        if (now == ContainerStatus.CREATED || now == ContainerStatus.RUNNING) {
            signalQuietly(record.monitor(), Signal.SIGKILL);
            long deadline = System.currentTimeMillis() + DELETE_WAIT_MILLIS;
            while (record.monitor().isAlive() && System.currentTimeMillis() < deadline) {
                sleep(10);
            }
        }
        Backends.byName(record.backend()).delete(store.load(id));
        store.remove(id);
    }

    /** {@code exec}'s flags. {@code process} is the process to run (from --process or the arguments). */
    /** {@code lentTerminal}: the caller's terminal's descriptor for {@code exec --tty} without a console socket in the foreground; -1 otherwise. */
    public record ExecRequest(String id, OciProcess process, boolean detach, Path pidFile, String consoleSocket, int lentTerminal) {
        public ExecRequest(String id, OciProcess process, boolean detach, Path pidFile, String consoleSocket) {
            this(id, process, detach, pidFile, consoleSocket, -1);
        }
    }

    /**
     * Runs another process in the container: with {@code detach}, in a new monitor whose PID goes to the
     * pid file (returns 0 at once); otherwise in this process, returning its exit status.
     */
    public int exec(ExecRequest request) {
        ContainerRecord record = store.load(request.id());
        ContainerStatus now = record.observedStatus();
        if (now != ContainerStatus.RUNNING && now != ContainerStatus.CREATED) {
            throw new InvalidStateException("container " + request.id() + " is " + now.json() + "; exec needs a running container");
        }
        Path dir = store.directory(request.id());
        OciConfig config;
        try {
            config = ConfigReader.parse(Files.readString(dir.resolve("config.json")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the config of " + request.id() + ": " + e.getMessage(), e);
        }
        ContainerBackend backend = Backends.byName(record.backend());
        ContainerLaunch launch = ContainerLaunch.of(config, Path.of(record.bundle())).withProcess(request.process())
                .in(new ContainerHandle(store, request.id()));
        backend.check(launch);
        boolean tty = request.process().terminal();
        boolean lent = tty && request.consoleSocket() == null && !request.detach() && request.lentTerminal() >= 0;
        if (tty && request.consoleSocket() == null && !lent) {
            throw new InvalidConfigException("exec --tty needs --console-socket, or a terminal on stdin in the foreground");
        }
        if (request.detach()) {
            Path processFile = dir.resolve("exec-" + UUID.randomUUID() + ".json");
            try {
                Files.write(processFile, com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsBytes(request.process()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + processFile + ": " + e.getMessage(), e);
            }
            try (Pty pty = tty ? Pty.open() : null) {
                List<String> args = MonitorLauncher.args("exec", store.root(), request.id(), log, processFile.toString(),
                        tty ? "tty" : "pipes");
                ProcessIdentity monitor = MonitorLauncher.launch(args, tty ? pty.slavePath() : null, backend.handlesSignals());
                if (tty) {
                    ConsoleSocket.sendMaster(request.consoleSocket(), pty.master(), pty.slavePath());
                }
                if (request.pidFile() != null) {
                    writePidFile(request.pidFile(), monitor.pid());
                }
                recordExecProcess(dir, monitor);
            }
            return 0;
        }
        if (request.pidFile() != null) {
            writePidFile(request.pidFile(), ProcessHandle.current().pid());
        }
        ProcessIdentity.of(ProcessHandle.current().pid()).ifPresent(self -> recordExecProcess(dir, self));
        if (!tty) {
            return backend.run(launch);
        }
        if (lent) {
            return backend.run(launch.withStdio(request.lentTerminal()));
        }
        try (Pty pty = Pty.open()) {
            int slave = Libc.open(pty.slavePath(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            try {
                ConsoleSocket.sendMaster(request.consoleSocket(), pty.master(), pty.slavePath());
                return backend.run(launch.withStdio(slave));
            } finally {
                Libc.close(slave);
            }
        }
    }

    /**
     * runc's {@code kill --all}: the signal to the container's process and to every process
     * {@code exec} started in it that still runs (each its own host process: a detached exec's monitor
     * or the foreground {@code exec} itself). A container that is no longer running is not an error,
     * as with runc.
     */
    public void killAll(String id, int signal) {
        ContainerRecord record = store.load(id);
        ContainerStatus now = record.observedStatus();
        if (now == ContainerStatus.CREATED || now == ContainerStatus.RUNNING) {
            signalQuietly(record.monitor(), signal);
        }
        for (ProcessIdentity p : execProcesses(id)) {
            signalQuietly(p, signal);
        }
    }

    /**
     * The host PIDs of the container's processes ({@code ps}): its monitor, which holds the container's
     * process (the VM or the sandbox runs inside it), then the running {@code exec} processes; none
     * once it stopped.
     */
    public List<Long> processes(String id) {
        ContainerRecord record = store.load(id);
        ContainerStatus now = record.observedStatus();
        if (now != ContainerStatus.CREATED && now != ContainerStatus.RUNNING) {
            return List.of();
        }
        List<Long> pids = new java.util.ArrayList<>();
        pids.add(record.pid());
        execProcesses(id).forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /**
     * Waits until the container's monitor has ended ({@code run} in the foreground) and returns the
     * exit status it recorded; empty when it ended without recording one (killed by a signal).
     */
    public java.util.OptionalInt awaitExit(String id) {
        ProcessIdentity monitor = store.load(id).monitor();
        while (monitor.isAlive()) {
            sleep(10);
        }
        Integer status = store.load(id).exitStatus();
        return status == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(status);
    }

    /**
     * runc's {@code pause}. Neither isolation can be paused from another process yet: the sandbox has
     * no freezer, and the micro-VM's pause ({@code MicroVm.pause}) is not reachable through the
     * container's monitor. Checks the container first so the error names the real obstacle.
     */
    public void pause(String id) {
        throw notSupported("pause", requireRunning(id, "pause"));
    }

    /** runc's {@code resume}: see {@link #pause}; a container kapsel cannot pause is never paused. */
    public void resume(String id) {
        ContainerRecord record = store.load(id);
        throw notSupported("resume", record);
    }

    private ContainerRecord requireRunning(String id, String verb) {
        ContainerRecord record = store.load(id);
        if (record.observedStatus() != ContainerStatus.RUNNING) {
            throw new InvalidStateException("container " + id + " is " + record.observedStatus().json() + "; " + verb
                    + " needs a running container");
        }
        return record;
    }

    private static OperationNotSupportedException notSupported(String verb, ContainerRecord record) {
        String why = "sandbox".equals(record.backend())
                ? "the sandbox has no way to freeze its program from outside its monitor"
                : "the container's monitor has no control channel for MicroVm.pause/resume yet";
        return new OperationNotSupportedException(verb, record.backend(), why);
    }

    /** exec processes are named in {@code ROOT/ID/exec-PID.process} ("PID STARTTIME"), so {@link #killAll} and {@link #processes} find them. */
    private static void recordExecProcess(Path dir, ProcessIdentity p) {
        try {
            Files.writeString(dir.resolve("exec-" + p.pid() + ".process"), p.pid() + " " + p.startTime());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record exec process " + p.pid() + ": " + e.getMessage(), e);
        }
    }

    /** The recorded exec processes still alive (same PID and start time). */
    private List<ProcessIdentity> execProcesses(String id) {
        List<ProcessIdentity> alive = new java.util.ArrayList<>();
        try (var files = Files.newDirectoryStream(store.directory(id), "exec-*.process")) {
            for (Path f : files) {
                String[] parts = Files.readString(f).trim().split(" ");
                ProcessIdentity p = new ProcessIdentity(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                if (p.isAlive()) {
                    alive.add(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // A container directory without exec records (or gone meanwhile) has no exec processes.
        }
        return alive;
    }

    /** Writes the PID as runc does: decimal, no newline, through a temporary file and a rename. */
    static void writePidFile(Path file, long pid) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(pid));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void signalQuietly(ProcessIdentity p, int signal) {
        if (p.isAlive()) {
            try {
                Libc.kill((int) p.pid(), signal);
            } catch (SyscallException ignored) {
                // gone meanwhile
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
