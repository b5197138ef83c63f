package dev.kapsel.cli;

import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.vmm.BootOptions;
import dev.kapsel.vmm.ConsoleInput;
import dev.kapsel.vmm.HostTerminal;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmBuilder;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExit;
import dev.kapsel.vmm.VmExitStatus;
import dev.kapsel.vmm.VmSetupException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;

/** Runs one micro-VM with its serial console on this process's stdio and returns the exit code. */
final class VmLauncher {
    private VmLauncher() {}

    /**
     * The process exit code of {@code kapsel vm run} for each way a VM ends (documented in docs/vmm.md),
     * chosen not to collide with 1 (generic failure), 2 (usage error) or 128+N (killed by signal N).
     */
    static int exitCode(VmExitStatus status) {
        return switch (status) {
            case POWER_OFF -> 0;
            case RESET -> 80;
            case PANIC -> 81;
            case TRIPLE_FAULT -> 82;
            case KVM_FAILURE -> 83;
            case BOOT_FAILURE -> 84;
            case KVM_UNAVAILABLE -> 85;
            case STOPPED -> 86;
        };
    }

    static int runToCompletion(VmConfig config) throws InterruptedException {
        return runToCompletion(config, BootOptions.DETECT);
    }

    /** As {@link #runToCompletion(VmConfig)}, entering the kernel as {@code boot} says. */
    static int runToCompletion(VmConfig config, BootOptions boot) throws InterruptedException {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        MicroVm vm;
        try {
            vm = VmBuilder.build(config, stdout, boot);
        } catch (KvmUnavailableException e) {
            throw new CommandFailure(exitCode(VmExitStatus.KVM_UNAVAILABLE), e.getMessage(), e);
        } catch (VmSetupException e) {
            throw new CommandFailure(exitCode(VmExitStatus.BOOT_FAILURE), e.getMessage(), e);
        }
        try (vm; HostTerminal terminal = HostTerminal.attach()) {
            ConsoleInput.start(System.in, vm.serial());
            vm.start();
            VmExit exit = vm.awaitExit();
            terminal.close();
            if (exit.status() != VmExitStatus.POWER_OFF) {
                System.err.println("kapsel: " + exit.message());
            }
            return exitCode(exit.status());
        }
    }
}
