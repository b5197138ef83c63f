package dev.kapsel.oci.backend;

import dev.kapsel.agent.AgentClient;
import dev.kapsel.agent.AgentProcess;
import dev.kapsel.agent.ProcessSpec;
import dev.kapsel.agent.SpawnFailedException;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.agent.VsockConnector;
import dev.kapsel.container.ContainerStartException;
import dev.kapsel.container.GuestAssets;
import dev.kapsel.container.MicroVmContainer;
import dev.kapsel.container.ProcessStdio;
import dev.kapsel.host.Installation;
import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.RootfsBuilder;
import dev.kapsel.initramfs.ModuleException;
import dev.kapsel.oci.ContainerFailedException;
import dev.kapsel.oci.UnsupportedConfigException;
import dev.kapsel.host.HostFd;
import dev.kapsel.sys.Terminal;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.state.ContainerRecord;
import dev.kapsel.oci.state.ContainerStatus;
import dev.kapsel.vmm.VmSetupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a container in its own micro-VM ({@link MicroVmContainer}): the bundle's root directory becomes
 * a read-only ext4 image in the container's state directory ({@code ROOT/ID/rootfs.ext4}, built at
 * start, with the engine's file bind mounts such as {@code /etc/hosts} written into it, removed when
 * the process ends), the guest mounts it under a tmpfs overlay, and the guest agent starts the
 * process. The VM's vsock socket goes into the container's state, so {@code exec} (another kapsel
 * process) reaches the same agent with EXEC instead of booting a VM of its own. Signals the monitor
 * catches go to the process through the agent.
 */
public final class VmBackend implements ContainerBackend {
    public static final String NAME = "vm";
    static final String DISK = "rootfs.ext4";
    /** How long an exec waits for the container's VM to boot and its agent to start the first process. */
    static final Duration BOOT_WAIT = Duration.ofSeconds(240);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final int SIGWINCH = 28;

    private final List<Integer> pendingSignals = new ArrayList<>();
    private AgentProcess process;
    private int terminalFd = -1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(ContainerLaunch launch) {
        RootfsChecks.requireDirectory(launch.rootfs());
        if (KvmProbe.quickKind() == KvmKind.NONE) {
            throw new UnsupportedConfigException("the micro-VM backend needs /dev/kvm, which is missing or not accessible");
        }
        try {
            GuestAssets.locate(StateDirectory.resolve(), Installation.repository());
            VmConfigMapping.processSpec(launch.process(), launch.exec() ? null : launch.config().hostname(), TerminalSize.DEFAULT);
        } catch (ContainerStartException | IllegalArgumentException e) {
            throw new UnsupportedConfigException(e.getMessage());
        }
        RootfsChecks.requireExecutable(launch.rootfs(), launch.process());
    }

    @Override
    public List<String> limitations(OciConfig config) {
        return VmConfigMapping.limitations(config);
    }

    @Override
    public boolean handlesSignals() {
        return true;
    }

    @Override
    public synchronized void signal(int signal) {
        try {
            if (signal == SIGWINCH && terminalFd >= 0) {
                int[] size = Terminal.windowSize(terminalFd);
                if (process != null && size != null) {
                    process.resize(new TerminalSize(size[0], size[1]));
                }
            } else if (process == null) {
                pendingSignals.add(signal); // the VM is still booting: delivered once the process runs
            } else {
                process.signal(signal);
            }
        } catch (IOException gone) {
            // the process ended; its exit status is on its way
        }
    }

    private synchronized void started(AgentProcess p) throws IOException {
        process = p;
        for (int s : pendingSignals) {
            p.signal(s);
        }
        pendingSignals.clear();
    }

    @Override
    public void delete(ContainerRecord record) {
        if (record.vmSocket() != null) {
            MicroVmContainer.removeSocketDirectory(Path.of(record.vmSocket()));
        }
    }

    @Override
    public int run(ContainerLaunch launch) {
        String what = launch.container() == null ? "container" : "container " + launch.container().id();
        try {
            return launch.exec() ? exec(launch) : boot(launch);
        } catch (SpawnFailedException e) {
            // as runc and Docker: 127 the command was not found, 126 it could not be run
            System.err.println("kapsel: " + e.getMessage());
            return e.commandNotFound() ? 127 : 126;
        } catch (IOException | ContainerStartException | VmSetupException | ImageException | ModuleException e) {
            throw new ContainerFailedException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerFailedException(what + ": interrupted", e);
        }
    }

    private int boot(ContainerLaunch launch)
            throws IOException, InterruptedException, ContainerStartException, VmSetupException, ImageException, ModuleException {
        GuestAssets assets = GuestAssets.locate(StateDirectory.resolve(), Installation.repository());
        Path dir = launch.container() != null ? launch.container().directory() : Files.createTempDirectory("kapsel-vm-disk-");
        Path disk = dir.resolve(DISK);
        Files.deleteIfExists(disk);
        try {
            RootfsBuilder.build(launch.rootfs(), disk, launch.rootfs().toString());
            RootfsBuilder.addFiles(disk, VmConfigMapping.fileBinds(launch.config()));
            VmConfigMapping.VmSize size = VmConfigMapping.size(launch.config(), Runtime.getRuntime().availableProcessors());
            MicroVmContainer vm = new MicroVmContainer(assets.machine(disk, size.vcpus(), size.memoryMib()));
            ProcessSpec spec = VmConfigMapping.processSpec(launch.process(), launch.config().hostname(), terminal(launch));
            return vm.run(spec, stdio(launch), (p, socket) -> {
                if (launch.container() != null) {
                    launch.container().recordVmSocket(socket);
                }
                started(p);
            });
        } finally {
            Files.deleteIfExists(disk);
            if (launch.container() == null) {
                Files.deleteIfExists(dir);
            }
        }
    }

    private int exec(ContainerLaunch launch) throws IOException, InterruptedException, ContainerStartException {
        Path socket = awaitVmSocket(launch.container());
        try (AgentClient agent = VsockConnector.connectAgent(socket, VsockConnector.AGENT_PORT, CONNECT_TIMEOUT)) {
            AgentProcess p = agent.exec(VmConfigMapping.processSpec(launch.process(), null, terminal(launch)));
            started(p);
            return stdio(launch).attach(p);
        }
    }

    /** The running container's VM socket; waits while its VM boots (exec may come right after start). */
    static Path awaitVmSocket(ContainerHandle container) throws InterruptedException, ContainerStartException {
        if (container == null) {
            throw new ContainerStartException("exec needs a container with stored state");
        }
        long deadline = System.nanoTime() + BOOT_WAIT.toNanos();
        while (true) {
            ContainerRecord r = container.record();
            if (r.vmSocket() != null) {
                return Path.of(r.vmSocket());
            }
            if (r.observedStatus() == ContainerStatus.STOPPED) {
                throw new ContainerStartException("container " + r.id() + " is not running");
            }
            if (System.nanoTime() > deadline) {
                throw new ContainerStartException("the VM of container " + r.id() + " did not start its process within "
                        + BOOT_WAIT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** The initial terminal size (the host terminal's own), making the host end raw; DEFAULT without a terminal. */
    private synchronized TerminalSize terminal(ContainerLaunch launch) {
        if (!launch.process().terminal()) {
            return TerminalSize.DEFAULT;
        }
        int[] size = Terminal.windowSize(launch.stdin());
        if (size == null) {
            return TerminalSize.DEFAULT;
        }
        terminalFd = launch.stdin();
        Terminal.makeRaw(terminalFd);
        return size[0] == 0 || size[1] == 0 ? TerminalSize.DEFAULT : new TerminalSize(size[0], size[1]);
    }

    private static ProcessStdio stdio(ContainerLaunch launch) {
        // With a terminal everything the process writes comes on stdout (the guest pty); stderr stays empty.
        return new ProcessStdio(HostFd.input(launch.stdin()), HostFd.output(launch.stdout()), HostFd.output(launch.stderr()));
    }
}
