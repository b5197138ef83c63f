package dev.kapsel.vmm;

import dev.kapsel.acpi.AcpiConfig;
import dev.kapsel.acpi.AcpiTables;
import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.arch.x86.BootCpuState;
import dev.kapsel.arch.x86.CpuidFilter;
import dev.kapsel.boot.BootProtocol;
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
import java.util.Optional;

/**
 * A guest entered through Linux's 64-bit boot protocol ({@link BootProtocol#LINUX}, or
 * {@link BootProtocol#ELF64} for other ELF64 kernels as Firecracker boots them): loads the kernel and
 * initrd, writes the command line, the ACPI tables (with the virtio devices) and the zero page, and
 * starts every vCPU in 64-bit mode at the kernel's entry with CPUID filtered per vCPU. The zero page's
 * cmd_line_ptr is set even when the line is empty (Unikraft reads it unconditionally).
 */
final class LinuxBoot implements GuestPayload {
    private final VmConfig config;
    private final BootProtocol protocol;
    private final boolean virtioMmioCmdline;

    LinuxBoot(VmConfig config) {
        this(config, BootProtocol.LINUX, false);
    }

    LinuxBoot(VmConfig config, BootProtocol protocol, boolean virtioMmioCmdline) {
        if (protocol.protectedModeEntry()) {
            throw new IllegalArgumentException(protocol + " is not entered through the zero page");
        }
        this.config = config;
        this.protocol = protocol;
        this.virtioMmioCmdline = virtioMmioCmdline;
    }

    /** Linux probes for absent devices and expects all ones; an ELF64 unikernel (Unikraft) expects 0, as Firecracker answers. */
    @Override
    public byte unclaimedPortRead() {
        return protocol == BootProtocol.ELF64 ? 0 : (byte) 0xff;
    }

    @Override
    public VcpuStart load(GuestMemory memory, List<VirtioMmioDevice> devices, int vcpus) throws VmSetupException {
        LoadedKernel kernel = loadKernel(memory, config, protocol);
        KernelCmdline cmdline = writeCmdline(memory, KernelCmdline.forKernel(kernel), config, devices, virtioMmioCmdline);
        ZeroPage zeroPage = new ZeroPage(kernel).cmdline(cmdline).e820(E820Map.forMemory(memory));
        loadInitrd(memory, kernel, config).ifPresent(zeroPage::initrd);
        GuestAddress rsdp = AcpiTables.write(memory, new AcpiConfig(vcpus, devices));
        zeroPage.acpiRsdp(rsdp.value()).writeTo(memory);
        BootCpuState boot = BootCpuState.prepare(memory, kernel.entry());
        return (vcpu, supported, count) -> VcpuSetup.configure(vcpu, CpuidFilter.forVcpu(supported, vcpu.id(), count), boot);
    }

    static LoadedKernel loadKernel(GuestMemory memory, VmConfig config, BootProtocol protocol) throws VmSetupException {
        try {
            return KernelLoader.load(config.kernel(), memory, protocol);
        } catch (KernelLoadException e) {
            throw new VmSetupException.Kernel(config.kernel(), e);
        }
    }

    /** The config's command line (and the virtio stanzas, if asked) written at {@code Layout.CMDLINE}. */
    static KernelCmdline writeCmdline(GuestMemory memory, KernelCmdline cmdline, VmConfig config,
                                      List<VirtioMmioDevice> devices, boolean virtioMmioCmdline) throws VmSetupException {
        try {
            cmdline.append(config.cmdline());
            if (virtioMmioCmdline && !devices.isEmpty()) {
                cmdline.append(VirtioMmioStanzas.of(devices));
            }
            cmdline.writeTo(memory);
            return cmdline;
        } catch (CmdlineException e) {
            throw new VmSetupException.Cmdline(e);
        }
    }

    static Optional<Initrd> loadInitrd(GuestMemory memory, LoadedKernel kernel, VmConfig config) throws VmSetupException {
        if (config.initrd().isEmpty()) {
            return Optional.empty();
        }
        Path initrd = config.initrd().get();
        try {
            return Optional.of(Initrd.load(initrd, memory, kernel));
        } catch (InitrdException e) {
            throw new VmSetupException.Initrd(initrd, e);
        }
    }
}
