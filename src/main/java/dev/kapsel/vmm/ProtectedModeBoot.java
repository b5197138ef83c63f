package dev.kapsel.vmm;

import dev.kapsel.acpi.AcpiConfig;
import dev.kapsel.acpi.AcpiTables;
import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.arch.x86.BootCpuState;
import dev.kapsel.arch.x86.CpuidFilter;
import dev.kapsel.arch.x86.Layout;
import dev.kapsel.boot.BootProtocol;
import dev.kapsel.boot.E820Entry;
import dev.kapsel.boot.E820Map;
import dev.kapsel.boot.HvmStartInfo;
import dev.kapsel.boot.Initrd;
import dev.kapsel.boot.KernelCmdline;
import dev.kapsel.boot.LoadedKernel;
import dev.kapsel.boot.MultibootHeader;
import dev.kapsel.boot.MultibootInfo;
import dev.kapsel.memory.GuestAddress;
import dev.kapsel.memory.GuestMemory;
import java.util.List;
import java.util.Optional;

/**
 * A kernel entered in 32-bit protected mode with paging off: Xen PVH ({@link BootProtocol#PVH}: EBX =
 * {@code struct hvm_start_info}, with the ACPI RSDP in it) or Multiboot v1 ({@link BootProtocol#MULTIBOOT}:
 * EAX = 0x2BADB002, EBX = multiboot_info). The command line, the initrd (as the one module), the memory
 * map (the e820 map Linux guests get) and the ACPI tables are written as for Linux; the vCPUs get the
 * same filtered CPUID. Application processors wait for INIT/SIPI as in every kapsel VM.
 */
final class ProtectedModeBoot implements GuestPayload {
    private final VmConfig config;
    private final BootProtocol protocol;
    private final boolean virtioMmioCmdline;

    ProtectedModeBoot(VmConfig config, BootProtocol protocol, boolean virtioMmioCmdline) {
        if (!protocol.protectedModeEntry()) {
            throw new IllegalArgumentException(protocol + " is not entered in protected mode");
        }
        this.config = config;
        this.protocol = protocol;
        this.virtioMmioCmdline = virtioMmioCmdline;
    }

    @Override
    public VcpuStart load(GuestMemory memory, List<VirtioMmioDevice> devices, int vcpus) throws VmSetupException {
        LoadedKernel kernel = LinuxBoot.loadKernel(memory, config, protocol);
        LinuxBoot.writeCmdline(memory, new KernelCmdline(Layout.CMDLINE_MAX - 1), config, devices, virtioMmioCmdline);
        Optional<Initrd> module = LinuxBoot.loadInitrd(memory, kernel, config);
        List<E820Entry> memmap = E820Map.forMemory(memory);
        GuestAddress rsdp = AcpiTables.write(memory, new AcpiConfig(vcpus, devices));
        BootCpuState boot = switch (protocol) {
            case PVH -> BootCpuState.prepareProtectedMode(memory, kernel.entry(), 0,
                    HvmStartInfo.writeTo(memory, Layout.CMDLINE, module, memmap, rsdp.value()));
            case MULTIBOOT -> BootCpuState.prepareProtectedMode(memory, kernel.entry(),
                    Integer.toUnsignedLong(MultibootHeader.BOOTLOADER_MAGIC),
                    MultibootInfo.writeTo(memory, Layout.CMDLINE, module, memmap));
            default -> throw new IllegalStateException(protocol.toString());
        };
        return (vcpu, supported, count) -> VcpuSetup.configure(vcpu, CpuidFilter.forVcpu(supported, vcpu.id(), count), boot);
    }

    /** Unclaimed port reads answer 0, as Firecracker's do: Unikraft reads the RTC and CMOS ports unchecked. */
    @Override
    public byte unclaimedPortRead() {
        return 0;
    }
}
