package dev.kapsel.container;

import dev.kapsel.agent.AgentClient;
import dev.kapsel.agent.AgentProcess;
import dev.kapsel.agent.ProcessSpec;
import dev.kapsel.agent.VsockConnector;
import dev.kapsel.vmm.DiskConfig;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmBuilder;
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
 * Runs one container in its own micro-VM: boots the kernel with the container initramfs and the image
 * disk, connects to the guest agent over vsock, starts the process, copies its stdio, and returns its
 * exit status. The VM lives in this process; it ends when this process does.
 */
public final class MicroVmContainer {
    /** How long the guest may take to boot and start its agent (the nested harness is slow). */
    static final Duration AGENT_TIMEOUT = Duration.ofSeconds(240);
    static final String CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off quiet";

    /** What to boot: kernel, initramfs, the image disk and the VM size. */
    public record Machine(Path kernel, Path initramfs, Path imageDisk, int vcpus, long memoryMib) {}

    /** Timings of the phases, for the benchmark. */
    public record Phases(long bootNanos, long runNanos) {}

    private final Machine machine;
    private final TailBuffer console = new TailBuffer(16 * 1024);
    private Phases phases;

    public MicroVmContainer(Machine machine) {
        this.machine = machine;
    }

    public Phases phases() {
        return phases;
    }

    /** Told, once the agent has started the container's process, of the process and the VM's vsock socket. */
    @FunctionalInterface
    public interface Listener {
        void started(AgentProcess process, Path vsockSocket) throws IOException;
    }

    /** Runs {@code spec} as {@code kapsel run} does: SIGINT, SIGTERM and SIGHUP are passed on to it. */
    public int run(ProcessSpec spec, ProcessStdio stdio)
            throws IOException, InterruptedException, VmSetupException, ContainerStartException {
        return run(spec, stdio, () -> { });
    }

    /**
     * As {@link #run(ProcessSpec, ProcessStdio)}, calling {@code started} once the guest agent has
     * started the process and signals sent to this JVM reach it (for {@code kapsel run -d}).
     */
    public int run(ProcessSpec spec, ProcessStdio stdio, Runnable started)
            throws IOException, InterruptedException, VmSetupException, ContainerStartException {
        return run(spec, stdio, (process, socket) -> {
            ForwardedSignals.install(process);
            started.run();
        });
    }

    /**
     * Boots the VM, starts {@code spec} through the agent, tells {@code listener}, copies the stdio and
     * returns the process's shell-style status. The VM's vsock socket (where another process reaches
     * the agent with {@code CONNECT <port>}) lives in a fresh short temporary directory, removed at the end.
     */
    public int run(ProcessSpec spec, ProcessStdio stdio, Listener listener)
            throws IOException, InterruptedException, VmSetupException, ContainerStartException {
        long start = System.nanoTime();
        Path dir = Files.createTempDirectory("kapsel-vm-");
        Path uds = dir.resolve("vsock.sock");
        try {
            VmConfig config = new VmConfig(machine.kernel(), Optional.of(machine.initramfs()), CMDLINE, machine.vcpus(),
                    machine.memoryMib(), List.of(new DiskConfig(machine.imageDisk(), true)), false,
                    Optional.of(new VsockConfig(uds, VsockConfig.DEFAULT_GUEST_CID)), List.of());
            // KAPSEL_GUEST_CONSOLE=1 shows the guest's serial console on stderr, for diagnosing boots.
            OutputStream consoleOut = System.getenv("KAPSEL_GUEST_CONSOLE") != null
                    ? new TeeOutputStream(console, new java.io.FileOutputStream(java.io.FileDescriptor.err)) : console;
            MicroVm vm = VmBuilder.build(config, consoleOut);
            try {
                vm.start();
                AgentClient agent = connect(vm, uds);
                long booted = System.nanoTime();
                AgentProcess process = agent.start(spec);
                listener.started(process, uds);
                int status = stdio.attach(process);
                phases = new Phases(booted - start, System.nanoTime() - booted);
                return status;
            } finally {
                vm.close(); // the guest is torn down with the container: vCPUs, device threads, memory, fds
            }
        } finally {
            removeSocketDirectory(uds);
        }
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

    private AgentClient connect(MicroVm vm, Path uds) throws IOException, InterruptedException, ContainerStartException {
        long deadline = System.nanoTime() + AGENT_TIMEOUT.toNanos();
        while (true) {
            VmExit ended = vm.exitIfEnded();
            if (ended != null) {
                throw new ContainerStartException("the micro-VM ended before its agent answered: " + ended.message()
                        + console.describeTail());
            }
            try {
                return VsockConnector.connectAgent(uds, VsockConnector.AGENT_PORT, Duration.ofSeconds(2));
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new ContainerStartException("the guest agent did not answer within " + AGENT_TIMEOUT.toSeconds()
                            + " s: " + e.getMessage() + console.describeTail());
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
