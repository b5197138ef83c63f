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
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import dev.kapsel.vmm.snapshot.ControlSocket;
import dev.kapsel.vmm.snapshot.SnapshotException;

/** Runs one micro-VM with its serial console on this process's stdio and returns the exit code. */
final class VmLauncher {
    private VmLauncher() {}

    /** The process exit code of {@code kapsel vm run} for each way a VM ends. */
    static int exitCode(VmExitStatus status) {
        return status.exitCode();
    }

    /** How the VM is made: booted from a configuration or restored from a snapshot. */
    interface Source {
        MicroVm make(OutputStream console) throws VmSetupException, SnapshotException;
    }

    static int runToCompletion(VmConfig config, Path controlSocket) throws InterruptedException {
        return runToCompletion(config, BootOptions.DETECT, controlSocket);
    }

    /** Boots {@code config}, entering the kernel as {@code boot} says, and runs it to its end. */
    static int runToCompletion(VmConfig config, BootOptions boot, Path controlSocket) throws InterruptedException {
        return runToCompletion(console -> VmBuilder.build(config, console, boot), controlSocket);
    }

    /** Makes the VM, runs it with its console on stdio (and {@code controlSocket} listening if not null) until it ends. */
    static int runToCompletion(Source source, Path controlSocket) throws InterruptedException {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        MicroVm vm;
        try {
            vm = source.make(stdout);
        } catch (KvmUnavailableException e) {
            throw new CommandFailure(exitCode(VmExitStatus.KVM_UNAVAILABLE), e.getMessage(), e);
        } catch (VmSetupException | SnapshotException e) {
            throw new CommandFailure(exitCode(VmExitStatus.BOOT_FAILURE), e.getMessage(), e);
        }
        ControlSocket control = null;
        if (controlSocket != null) {
            try {
                control = ControlSocket.open(vm, controlSocket);
            } catch (IOException e) {
                vm.close();
                throw new CommandFailure(2, "--control-sock " + e.getMessage(), e);
            }
        }
        try (vm; ControlSocket closing = control; HostTerminal terminal = HostTerminal.attach()) {
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
