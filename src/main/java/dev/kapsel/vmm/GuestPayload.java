package dev.kapsel.vmm;

import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.kvm.CpuidEntry;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.memory.GuestMemory;
import java.util.List;

/**
 * What a VM's vCPUs run. {@link VmBuilder} loads it once memory is mapped and the devices are
 * attached; it answers how each vCPU starts. {@link LinuxBoot} or {@link ProtectedModeBoot} (chosen by
 * the kernel's boot protocol) in every VM kapsel runs; tests use a
 * few bytes of real-mode code to drive the same VM (devices, threads, teardown) without Linux.
 */
interface GuestPayload {
    /** Writes the payload and its boot data into {@code memory}; {@code devices} are the attached virtio windows. */
    VcpuStart load(GuestMemory memory, List<VirtioMmioDevice> devices, int vcpus) throws VmSetupException;

    /** The byte every unclaimed port read answers: 0xff (floating ISA bus) unless the guest expects otherwise. */
    default byte unclaimedPortRead() {
        return (byte) 0xff;
    }

    /** Gives one new vCPU its CPUID and initial state. */
    @FunctionalInterface
    interface VcpuStart {
        void configure(VcpuFd vcpu, List<CpuidEntry> supportedCpuid, int vcpus);
    }
}
