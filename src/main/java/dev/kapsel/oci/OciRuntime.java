package dev.kapsel.oci;

import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.container.IsolationKind;
import dev.kapsel.container.ControlClient;
import dev.kapsel.container.ControlException;
import dev.kapsel.container.ControlServer;
import dev.kapsel.host.ProcessDeath;
import dev.kapsel.host.RecordFiles;
import dev.kapsel.oci.backend.Backends;
import dev.kapsel.oci.backend.ContainerHandle;
import dev.kapsel.oci.backend.LaunchRunner;
import dev.kapsel.oci.backend.OciLaunch;
import dev.kapsel.oci.monitor.MonitorRequest;
import dev.kapsel.oci.console.ConsoleSocket;
import dev.kapsel.oci.console.Pty;
import dev.kapsel.oci.monitor.MonitorLauncher;
import dev.kapsel.oci.monitor.StartFifo;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
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
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The OCI runtime operations (create, start, state, kill, delete, exec) over a {@link StateStore}.
 * A container is a monitor process ({@link dev.kapsel.oci.monitor.ContainerMonitor}) plus its record;
 * the record's status is trusted only while the monitor (PID and start time) lives.
 */
public final class OciRuntime {
    /** How long pause and resume wait for the monitor: parking the vCPUs takes milliseconds, a loaded host more. */
    static final java.time.Duration CONTROL_TIMEOUT = java.time.Duration.ofSeconds(30);

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
        IsolationKind isolation = Backends.select(config, bundle);
        ContainerLaunch launch = OciLaunch.of(config, bundle);
        LaunchRunner.check(isolation, launch);
        if (config.process().terminal() && request.consoleSocket() == null && request.lentTerminal() == null) {
            throw new InvalidConfigException("process.terminal is true but no --console-socket was given");
        }
        List<String> limits = LaunchRunner.limitations(isolation, launch);
        if (!limits.isEmpty()) {
            log.warn("container " + request.id() + ": not honoured by the " + isolation.id() + " backend: " + String.join("; ", limits));
        }
        ContainerRecord record = ContainerRecord.ofBundle(request.id(), bundle.toString(), OciLaunch.rootfs(config, bundle).toString(),
                config.annotations(), isolation.id(), Instant.now());
        Path dir = store.create(record);
        ProcessIdentity monitor = null;
        try {
            Files.writeString(dir.resolve("config.json"), Files.readString(bundle.resolve("config.json")));
            StartFifo.create(dir);
            boolean tty = config.process().terminal();
            boolean lent = tty && request.consoleSocket() == null;
            try (Pty pty = tty && !lent ? Pty.open() : null) {
                Path requestFile = new MonitorRequest.Oci(MonitorRequest.Mode.INIT, store.root(), request.id(), log.file(), log.format(),
                        null, tty).write(dir.resolve("monitor.json"));
                String terminal = lent ? request.lentTerminal() : tty ? pty.slavePath() : null;
                monitor = MonitorLauncher.launch(requestFile, terminal, isolation.isolation().deliversSignals());
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
                killAndAwait(monitor, request.id());
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
        StartFifo.release(store.directory(id).resolve(StartFifo.NAME), record.monitor().orElseThrow(), id);
        store.update(id, r -> r.status() == ContainerStatus.CREATED ? r.running(Instant.now()) : r);
    }

    /** The container's state, with how its running monitor is confined in two annotations ({@link StateReport#withConfinement}). */
    public StateReport state(String id) {
        return StateReport.of(store.load(id)).withConfinement();
    }

    public List<StateReport> list() {
        return store.list().stream().map(StateReport::of).toList();
    }

    /** Sends {@code signal} to the container's monitor, which stands for the container's process. */
    public void kill(String id, int signal) {
        ContainerRecord record = store.load(id);
        if (!record.observedStatus().hasProcess()) {
            throw new InvalidStateException("container " + id + " is not running");
        }
        try {
            Libc.kill((int) record.monitor().orElseThrow().pid(), signal);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) {
                throw new InvalidStateException("container " + id + " is not running");
            }
            throw e;
        }
    }

    /**
     * Removes a stopped or created container (a created one is killed first, as runc does); a running
     * one only with {@code force}, which kills it. Either way the state goes only once the monitor is
     * gone ({@link ProcessDeath#KILL_WAIT}; a monitor that outlives it is an error and the state stays).
     * {@code force} on an unknown id succeeds.
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
        if ((now == ContainerStatus.RUNNING || now == ContainerStatus.PAUSED) && !force) {
            throw new InvalidStateException("container " + id + " is " + now.json() + "; stop it first or use delete --force");
        }
        // also a "stopped" one: the monitor may still be on its way out (closing the VM)
        record.monitor().ifPresent(m -> killAndAwait(m, id));
        if (record.vmSocket() != null) {
            // outside the state directory; a monitor ended by SIGKILL could not remove it
            dev.kapsel.container.MicroVmContainer.removeSocketDirectory(Path.of(record.vmSocket()));
        }
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
        IsolationKind isolation = Backends.byName(record.isolation());
        ContainerLaunch launch = OciLaunch.of(config, Path.of(record.bundle())).withProcess(OciLaunch.process(request.process(), null));
        LaunchRunner.check(isolation, launch);
        ContainerHandle handle = new ContainerHandle(store, request.id());
        boolean tty = request.process().terminal();
        boolean lent = tty && request.consoleSocket() == null && !request.detach() && request.lentTerminal() >= 0;
        if (tty && request.consoleSocket() == null && !lent) {
            throw new InvalidConfigException("exec --tty needs --console-socket, or a terminal on stdin in the foreground");
        }
        if (request.detach()) {
            Path requestFile = new MonitorRequest.Oci(MonitorRequest.Mode.EXEC, store.root(), request.id(), log.file(), log.format(),
                    request.process(), tty).write(dir.resolve("exec-" + UUID.randomUUID() + ".json"));
            try (Pty pty = tty ? Pty.open() : null) {
                ProcessIdentity monitor = MonitorLauncher.launch(requestFile, tty ? pty.slavePath() : null,
                        isolation.isolation().deliversSignals());
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
            return LaunchRunner.run(isolation, launch, handle, true, c -> { });
        }
        if (lent) {
            int fd = request.lentTerminal();
            return LaunchRunner.run(isolation, launch.withStdio(ContainerLaunch.Stdio.fds(fd, fd, fd)), handle, true, c -> { });
        }
        try (Pty pty = Pty.open()) {
            int slave = Libc.open(pty.slavePath(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            try {
                ConsoleSocket.sendMaster(request.consoleSocket(), pty.master(), pty.slavePath());
                return LaunchRunner.run(isolation, launch.withStdio(ContainerLaunch.Stdio.fds(slave, slave, slave)), handle, true, c -> { });
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
        if (now.hasProcess()) {
            ProcessDeath.signal(record.monitor().orElseThrow(), signal);
        }
        for (ProcessIdentity p : execProcesses(id)) {
            ProcessDeath.signal(p, signal);
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
        if (!now.hasProcess()) {
            return List.of();
        }
        List<Long> pids = new java.util.ArrayList<>();
        pids.add(record.monitor().orElseThrow().pid());
        execProcesses(id).forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /**
     * Waits until the container's monitor has ended ({@code run} in the foreground) and returns the
     * exit status it recorded; empty when it ended without recording one (killed by a signal).
     */
    public java.util.OptionalInt awaitExit(String id) {
        ProcessIdentity monitor = store.load(id).monitor().orElseThrow();
        while (monitor.isAlive()) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Integer status = store.load(id).exitCode();
        return status == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(status);
    }

    /**
     * runc's {@code pause}: the container's monitor parks its micro-VM (every vCPU and device thread)
     * through the control channel ({@code control.sock}), and the state says {@code paused} until
     * {@link #resume}. The sandbox cannot be frozen from outside its monitor, which the error says.
     */
    public void pause(String id) {
        ContainerRecord record = requireRunning(id, "pause");
        control(record, "pause");
        store.update(id, r -> r.withStatus(ContainerStatus.PAUSED));
    }

    /** runc's {@code resume}: the paused micro-VM goes on where it stopped. */
    public void resume(String id) {
        ContainerRecord record = store.load(id);
        if (record.observedStatus() != ContainerStatus.PAUSED) {
            throw new InvalidStateException("container " + id + " is " + record.observedStatus().json()
                    + "; resume needs a paused container");
        }
        control(record, "resume");
        store.update(id, r -> r.withStatus(ContainerStatus.RUNNING));
    }

    /** Asks the container's monitor to {@code verb} (pause, resume) and waits for its answer. */
    private void control(ContainerRecord record, String verb) {
        if (!IsolationKind.VM.id().equals(record.isolation())) {
            throw notSupported(verb, record);
        }
        try {
            ControlClient.send(ControlServer.socketIn(store.directory(record.id())), verb, CONTROL_TIMEOUT);
        } catch (ControlException.NoMonitor e) {
            throw new InvalidStateException("container " + record.id() + " is not running: " + e.getMessage());
        } catch (ControlException e) {
            throw new ContainerFailedException("container " + record.id() + ": " + e.getMessage(), e);
        }
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
        return new OperationNotSupportedException(verb, record.isolation(),
                "the sandbox has no way to freeze its program from outside its monitor");
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

    /** Writes the PID as runc does: decimal, no newline, replaced atomically ({@link RecordFiles#replace}). */
    static void writePidFile(Path file, long pid) {
        try {
            RecordFiles.replace(file, Long.toString(pid).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The one stop-then-wait ({@link ProcessDeath}): SIGKILL to the monitor and wait until it is gone. */
    private static void killAndAwait(ProcessIdentity monitor, String id) {
        try {
            ProcessDeath.kill(monitor, "the monitor of container " + id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidStateException("container " + id + ": interrupted while waiting for its monitor to end");
        } catch (IllegalStateException e) {
            throw new InvalidStateException(e.getMessage());
        }
    }
}
