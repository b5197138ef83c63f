package dev.kapsel.api;

import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmBuilder;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmSetupException;
import java.io.OutputStream;

/** Builds and starts the VM InstanceStart asks for. */
public interface GuestLauncher {
    GuestVm launch(VmConfig config) throws VmSetupException, KvmUnavailableException;

    /** The path {@code kapsel vm run} takes: {@link VmBuilder#build}, then {@link MicroVm#start}, the console on {@code console}. */
    static GuestLauncher microVm(OutputStream console) {
        return starting(config -> VmBuilder.build(config, console));
    }

    /** Builds the VM with {@code build} and starts it; a VM whose start fails is closed. */
    static GuestLauncher starting(Build build) {
        return config -> {
            MicroVm vm = build.build(config);
            try {
                vm.start();
            } catch (RuntimeException e) {
                vm.close();
                throw e;
            }
            return new MicroVmGuest(vm);
        };
    }

    /** How a {@link #starting} launcher makes its VM (tests build one that runs other code than a kernel). */
    @FunctionalInterface
    interface Build {
        MicroVm build(VmConfig config) throws VmSetupException, KvmUnavailableException;
    }
}
