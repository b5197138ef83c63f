package dev.kapsel.container;

import dev.kapsel.agent.AgentClient;
import dev.kapsel.agent.AgentErrorException;
import dev.kapsel.agent.NetworkConfig;
import dev.kapsel.agent.AgentProcess;
import dev.kapsel.agent.ExitStatus;
import dev.kapsel.agent.ProcessSpec;
import dev.kapsel.agent.SpawnFailedException;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.agent.VsockConnector;
import dev.kapsel.vmm.DiskConfig;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.VmBuilder;
import dev.kapsel.vmm.SharedDirConfig;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExit;
import dev.kapsel.vmm.VmSetupException;
import dev.kapsel.vmm.VsockConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One container running in its own micro-VM in this process: the VM booted the kernel with the
 * container initramfs and the image disk, the guest agent (over vsock) started the process, and its
 * stdio is being copied. {@link #close()} closes the VM and removes its socket directory and what
 * else the isolation made for it.
 */
public final class MicroVmContainer implements RunningContainer {
    /** How long the guest may take to boot and start its agent (the nested harness is slow). */
    static final Duration AGENT_TIMEOUT = Duration.ofSeconds(240);
    /** The VM's kernel command line: vmm's, without the kernel's boot messages on the console. */
    static final String CMDLINE = VmConfig.DEFAULT_CMDLINE + " quiet";

    /**
     * What to boot: kernel, initramfs, the image disk, the VM size, the NICs with what the agent
     * configures on them before the process starts (none: the guest has only loopback, not even up),
     * and the host directories shared over virtio-fs with where the agent mounts them.
     */
    public record Boot(Path kernel, Path initramfs, Path imageDisk, int vcpus, long memoryMib, List<NetConfig> nets,
                       NetworkConfig network, List<Share> shares) {
        public Boot {
            nets = nets == null ? List.of() : List.copyOf(nets);
            shares = shares == null ? List.of() : List.copyOf(shares);
        }

        public Boot withNetwork(List<NetConfig> n, NetworkConfig config) {
            return new Boot(kernel, initramfs, imageDisk, vcpus, memoryMib, n, config, shares);
        }

        public Boot withInitramfs(Path i) {
            return new Boot(kernel, i, imageDisk, vcpus, memoryMib, nets, network, shares);
        }
    }

    /** A host directory over virtio-fs and where the agent mounts it ({@code flags}: AgentClient.MOUNT_*). */
    public record Share(SharedDirConfig device, String target, int flags) {}

    private final MicroVm vm;
    private final AgentClient agent;
    private final Path socket;
    private final ProcessStdio.Copying copying;
    private final Runnable cleanup;
    private final long startNanos;
    private final long booted;
    private volatile long ended;

    private MicroVmContainer(MicroVm vm, AgentClient agent, Path socket, ProcessStdio.Copying copying, Runnable cleanup,
                             long startNanos, long booted) {
        this.vm = vm;
        this.agent = agent;
        this.socket = socket;
        this.copying = copying;
        this.cleanup = cleanup;
        this.startNanos = startNanos;
        this.booted = booted;
    }

    /**
     * Boots the VM, starts {@code spec} through the agent and begins copying its stdio; returns once the
     * process runs. The VM's vsock socket (where another process reaches the agent with {@code CONNECT
     * <port>}) lives in a fresh short temporary directory, removed by {@link #close()}; {@code cleanup}
     * runs then too (and on a failed start).
     */
    static MicroVmContainer start(Boot boot, ProcessSpec spec, ProcessStdio stdio, Runnable cleanup)
            throws ContainerStartException, InterruptedException {
        long start = System.nanoTime();
        Path uds;
        try {
            uds = Files.createTempDirectory("kapsel-vm-").resolve("vsock.sock");
        } catch (IOException e) {
            cleanup.run();
            throw new ContainerStartException.HostIo("cannot make the VM's socket directory", e);
        }
        MicroVm vm = null;
        AgentClient agent = null;
        TailBuffer console = new TailBuffer(16 * 1024);
        try {
            VmConfig config = new VmConfig(boot.kernel(), Optional.of(boot.initramfs()), CMDLINE, boot.vcpus(),
                    boot.memoryMib(), List.of(new DiskConfig(boot.imageDisk(), true)), false,
                    Optional.of(new VsockConfig(uds, VsockConfig.DEFAULT_GUEST_CID)), boot.nets(), Optional.empty(),
                    boot.shares().stream().map(Share::device).toList());
            // KAPSEL_GUEST_CONSOLE=1 shows the guest's serial console on stderr, a debug knob for diagnosing boots.
            OutputStream consoleOut = System.getenv("KAPSEL_GUEST_CONSOLE") != null
                    ? new TeeOutputStream(console, new java.io.FileOutputStream(java.io.FileDescriptor.err)) : console;
            vm = VmBuilder.build(config, consoleOut);
            vm.start();
            agent = connect(vm, uds, console);
            if (boot.network() != null) {
                configureNetwork(agent, boot.network());
            }
            long booted = System.nanoTime();
            mountShares(agent, boot.shares(), console);
            AgentProcess process = agent.start(spec);
            return new MicroVmContainer(vm, agent, uds, stdio.attach(process), cleanup, start, booted);
        } catch (VmSetupException e) {
            throw failed(vm, agent, uds, cleanup, new ContainerStartException.VmSetup(e));
        } catch (SpawnFailedException e) {
            throw failed(vm, agent, uds, cleanup, new ContainerStartException.SpawnFailed(e.getMessage(), e.commandNotFound(), e));
        } catch (IOException e) {
            throw failed(vm, agent, uds, cleanup, new ContainerStartException.AgentUnreachable(
                    "the guest agent failed: " + e.getMessage() + console.describeTail(), e));
        } catch (ContainerStartException e) {
            throw failed(vm, agent, uds, cleanup, e);
        } catch (InterruptedException | RuntimeException e) {
            failed(vm, agent, uds, cleanup, null);
            throw e;
        }
    }

    private static void configureNetwork(AgentClient agent, NetworkConfig network) throws IOException, InterruptedException,
            ContainerStartException.Network {
        try {
            agent.configureNetwork(network);
        } catch (AgentErrorException e) {
            throw new ContainerStartException.Network("the guest refused its network configuration: " + e.getMessage(), e);
        }
    }

    /** The agent mounts each shared directory at its target before the process starts. */
    private static void mountShares(AgentClient agent, List<Share> shares, TailBuffer console)
            throws IOException, InterruptedException, ContainerStartException {
        for (Share s : shares) {
            try {
                agent.mount(s.device().tag(), s.target(), s.flags());
            } catch (AgentErrorException e) {
                throw new ContainerStartException.HostIo("cannot mount " + s.device().source() + " at " + s.target()
                        + " in the guest" + console.describeTail(), e);
            }
        }
    }

    /** Undoes a start that failed after any step: the agent connection, the VM, its socket directory, the caller's cleanup. */
    private static ContainerStartException failed(MicroVm vm, AgentClient agent, Path uds, Runnable cleanup,
                                                  ContainerStartException e) {
        if (agent != null) {
            agent.close();
        }
        if (vm != null) {
            vm.close();
        }
        removeSocketDirectory(uds);
        cleanup.run();
        return e;
    }

    /** Starts {@code spec} beside the first process, through this VM's agent, on a connection of its own. */
    static RunningContainer exec(Path agentSocket, ProcessSpec spec, ProcessStdio stdio, Duration connectTimeout)
            throws ContainerStartException, InterruptedException {
        AgentClient agent;
        try {
            agent = VsockConnector.connectAgent(agentSocket, VsockConnector.AGENT_PORT, connectTimeout);
        } catch (IOException e) {
            throw new ContainerStartException.AgentUnreachable("cannot reach the container's agent at " + agentSocket + ": "
                    + e.getMessage(), e);
        }
        try {
            return new AgentProcessContainer(agent, stdio.attach(agent.exec(spec)));
        } catch (SpawnFailedException e) {
            agent.close();
            throw new ContainerStartException.SpawnFailed(e.getMessage(), e.commandNotFound(), e);
        } catch (IOException e) {
            agent.close();
            throw new ContainerStartException.AgentUnreachable("the guest agent failed: " + e.getMessage(), e);
        }
    }

    @Override
    public RunningContainer exec(ContainerLaunch.Process process, ContainerLaunch.Stdio stdio)
            throws ContainerStartException, InterruptedException {
        return VmIsolation.execThrough(socket, process, stdio);
    }

    @Override
    public void signal(int signal) {
        AgentProcessContainer.signal(copying.process(), signal);
    }

    @Override
    public void resize(TerminalSize size) {
        AgentProcessContainer.resize(copying.process(), size);
    }

    @Override
    public ExitStatus await() throws InterruptedException {
        ExitStatus status = awaitCopying(copying);
        ended = System.nanoTime();
        return status;
    }

    /** The status of a copied process; a lost agent connection is a process killed by SIGKILL, as the VM ends it. */
    static ExitStatus awaitCopying(ProcessStdio.Copying copying) throws InterruptedException {
        try {
            return copying.await();
        } catch (IOException e) {
            System.err.println("kapsel: lost the guest agent: " + e.getMessage());
            return ExitStatus.killedBy(9);
        }
    }

    /** Pause and resume park and continue the VM ({@link MicroVm#pause}): every process of the container stops where it is. */
    @Override
    public Optional<ContainerControl> control() {
        return Optional.of(new MicroVmControl(vm));
    }

    @Override
    public Optional<Path> agentSocket() {
        return Optional.of(socket);
    }

    @Override
    public Optional<Phases> phases() {
        return Optional.of(new Phases(booted - startNanos, ended == 0 ? 0 : ended - booted));
    }

    @Override
    public void close() {
        agent.close();
        vm.close();
        removeSocketDirectory(socket);
        cleanup.run();
    }

    /** Removes a VM's vsock socket, the guest-initiated ones beside it ({@code PATH_PORT}) and their directory. */
    public static void removeSocketDirectory(Path uds) {
        Path dir = uds.getParent();
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (p.getFileName().toString().startsWith(uds.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // already gone, or something else lives there: leave it
        }
    }

    private static AgentClient connect(MicroVm vm, Path uds, TailBuffer console)
            throws IOException, InterruptedException, ContainerStartException {
        long deadline = System.nanoTime() + AGENT_TIMEOUT.toNanos();
        while (true) {
            VmExit ended = vm.exitIfEnded();
            if (ended != null) {
                throw new ContainerStartException.AgentUnreachable("the micro-VM ended before its agent answered: "
                        + ended.message() + console.describeTail(), null);
            }
            try {
                return VsockConnector.connectAgent(uds, VsockConnector.AGENT_PORT, Duration.ofSeconds(2));
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new ContainerStartException.AgentUnreachable("the guest agent did not answer within "
                            + AGENT_TIMEOUT.toSeconds() + " s: " + e.getMessage() + console.describeTail(), e);
                }
            }
        }
    }

    /** Writes to two streams. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeOutputStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            b.flush();
        }
    }
}
