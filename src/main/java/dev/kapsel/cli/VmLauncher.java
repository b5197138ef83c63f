package dev.kapsel.cli;

import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.vmm.ConsoleInput;
import dev.kapsel.vmm.HostTerminal;
import dev.kapsel.vmm.MicroVm;
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

    static int runToCompletion(VmConfig config) throws InterruptedException {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        MicroVm vm;
        try {
            vm = MicroVm.build(config, stdout);
        } catch (KvmUnavailableException e) {
            throw new CommandFailure(VmExitStatus.KVM_UNAVAILABLE.exitCode(), e.getMessage(), e);
        } catch (VmSetupException e) {
            throw new CommandFailure(VmExitStatus.BOOT_FAILURE.exitCode(), e.getMessage(), e);
        }
        try (HostTerminal terminal = HostTerminal.attach()) {
            ConsoleInput.start(System.in, vm.serial());
            vm.start();
            VmExit exit = vm.awaitExit();
            terminal.close();
            if (exit.status() != VmExitStatus.POWER_OFF) {
                System.err.println("kapsel: " + exit.message());
            }
            return exit.status().exitCode();
        }
    }
}
