package dev.kapsel.container;

import dev.kapsel.agent.ExitStatus;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.vmm.BootOptions;
import dev.kapsel.vmm.ConsoleInput;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmBuilder;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExit;
import dev.kapsel.vmm.VmExitStatus;
import dev.kapsel.vmm.VmSetupException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * A running unikernel: one micro-VM whose serial console is the container's stdout (and stdin, when the
 * container has one). A terminating signal stops the VM, and the container ends as killed by it.
 */
final class UnikernelContainer implements RunningContainer {
    /** Guest RAM when the launch sets no memory limit (an OCI bundle without one), as {@code kapsel run}'s default. */
    static final long DEFAULT_MEMORY_MIB = 256;
    /** SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGTERM: the signals that end a container; others mean nothing to a VM. */
    private static final Set<Integer> TERMINATING = Set.of(1, 2, 3, 9, 15);

    private final MicroVm vm;
    private final ProcessStdio stdio;
    private final long started;
    private volatile int killedBy;
    private volatile long ended;

    private UnikernelContainer(MicroVm vm, ProcessStdio stdio, long started) {
        this.vm = vm;
        this.stdio = stdio;
        this.started = started;
    }

    static UnikernelContainer start(ContainerLaunch.RootFs.Unikernel root, ContainerLaunch.Resources resources,
                                    ContainerLaunch.Stdio io) throws ContainerStartException {
        long start = System.nanoTime();
        ProcessStdio stdio;
        try {
            stdio = ProcessStdio.of(io);
        } catch (IOException e) {
            throw new ContainerStartException.HostIo("cannot open the container's output", e);
        }
        long memoryMib = resources.memoryBytes() > 0 ? Math.max(UnikernelIsolation.MIN_MEMORY_MIB, resources.memoryBytes() >> 20)
                : DEFAULT_MEMORY_MIB;
        VmConfig config = new VmConfig(root.kernel(), Optional.ofNullable(root.initrd()), root.cmdline(),
                Math.max(1, resources.vcpus()), memoryMib);
        MicroVm vm;
        try {
            vm = VmBuilder.build(config, stdio.stdout(), new BootOptions(Optional.ofNullable(root.protocol()), false));
        } catch (KvmUnavailableException e) {
            throw new ContainerStartException.Unsupported(e.getMessage());
        } catch (VmSetupException e) {
            throw new ContainerStartException.VmSetup(e);
        }
        if (stdio.stdin() != null) {
            ConsoleInput.start(stdio.stdin(), vm.serial());
        }
        vm.start();
        return new UnikernelContainer(vm, stdio, start);
    }

    @Override
    public void signal(int signal) {
        if (TERMINATING.contains(signal)) {
            killedBy = signal;
            vm.stop();
        }
    }

    @Override
    public void resize(TerminalSize size) {
        // a serial console has no size
    }

    @Override
    public ExitStatus await() throws InterruptedException {
        VmExit exit = vm.awaitExit();
        ended = System.nanoTime();
        flush(stdio.stdout());
        if (exit.status() == VmExitStatus.STOPPED && killedBy != 0) {
            return ExitStatus.killedBy(killedBy);
        }
        if (exit.status() != VmExitStatus.POWER_OFF) {
            PrintStream err = new PrintStream(stdio.stderr(), true, StandardCharsets.UTF_8);
            err.println("kapsel: " + exit.message());
        }
        return ExitStatus.exited(exit.status().exitCode());
    }

    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            // the reader went away; nothing more to tell it
        }
    }

    @Override
    public Optional<ContainerControl> control() {
        return Optional.of(new MicroVmControl(vm));
    }

    @Override
    public Optional<Phases> phases() {
        long end = ended;
        return end == 0 ? Optional.empty() : Optional.of(new Phases(0, end - started));
    }

    @Override
    public void close() {
        vm.close();
    }
}
