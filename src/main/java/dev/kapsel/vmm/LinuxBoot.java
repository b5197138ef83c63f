package dev.kapsel.vmm;

import dev.kapsel.acpi.AcpiConfig;
import dev.kapsel.acpi.AcpiTables;
import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.arch.x86.BootCpuState;
import dev.kapsel.arch.x86.CpuidFilter;
import dev.kapsel.boot.CmdlineException;
import dev.kapsel.boot.E820Map;
import dev.kapsel.boot.Initrd;
import dev.kapsel.boot.InitrdException;
import dev.kapsel.boot.KernelCmdline;
import dev.kapsel.boot.KernelLoadException;
import dev.kapsel.boot.KernelLoader;
import dev.kapsel.boot.LoadedKernel;
import dev.kapsel.boot.ZeroPage;
import dev.kapsel.memory.GuestAddress;
import dev.kapsel.memory.GuestMemory;
import java.nio.file.Path;
import java.util.List;

/**
 * A Linux guest: loads the kernel and initrd, writes the command line, the ACPI tables (with the
 * virtio devices) and the zero page, and starts every vCPU in 64-bit mode at the kernel's entry with
 * CPUID filtered per vCPU.
 */
final class LinuxBoot implements GuestPayload {
    private final VmConfig config;

    LinuxBoot(VmConfig config) {
        this.config = config;
    }

    @Override
    public VcpuStart load(GuestMemory memory, List<VirtioMmioDevice> devices, int vcpus) throws VmSetupException {
        LoadedKernel kernel = loadKernel(memory);
        KernelCmdline cmdline;
        try {
            cmdline = KernelCmdline.forKernel(kernel).append(config.cmdline());
            cmdline.writeTo(memory);
        } catch (CmdlineException e) {
            throw new VmSetupException.Cmdline(e);
        }
        ZeroPage zeroPage = new ZeroPage(kernel).cmdline(cmdline).e820(E820Map.forMemory(memory));
        if (config.initrd().isPresent()) {
            Path initrd = config.initrd().get();
            try {
                zeroPage.initrd(Initrd.load(initrd, memory, kernel));
            } catch (InitrdException e) {
                throw new VmSetupException.Initrd(initrd, e);
            }
        }
        GuestAddress rsdp = AcpiTables.write(memory, new AcpiConfig(vcpus, devices));
        zeroPage.acpiRsdp(rsdp.value()).writeTo(memory);
        BootCpuState boot = BootCpuState.prepare(memory, kernel.entry());
        return (vcpu, supported, count) -> VcpuSetup.configure(vcpu, CpuidFilter.forVcpu(supported, vcpu.id(), count), boot);
    }

    private LoadedKernel loadKernel(GuestMemory memory) throws VmSetupException {
        try {
            return KernelLoader.load(config.kernel(), memory);
        } catch (KernelLoadException e) {
            throw new VmSetupException.Kernel(config.kernel(), e);
        }
    }
}
