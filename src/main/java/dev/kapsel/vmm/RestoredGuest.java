package dev.kapsel.vmm;

import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.kvm.CpuidEntry;
import dev.kapsel.kvm.KvmVcpuState;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.memory.GuestMemory;
import java.util.List;

/**
 * The "payload" of a VM made again from a snapshot: guest RAM already holds everything (it is the
 * memory file), so nothing is loaded; each vCPU gets its saved KVM state back, and its TSC frequency
 * if this host's differs from the saved one by more than Firecracker's tolerance of 250 ppm.
 */
final class RestoredGuest implements GuestPayload {
    /** Parts per million two TSC frequencies may differ by before the guest's is scaled (Firecracker's TSC_KHZ_TOL). */
    static final long TSC_TOLERANCE_PPM = 250;

    private final MicroVmState state;

    RestoredGuest(MicroVmState state) {
        this.state = state;
    }

    @Override
    public VcpuStart load(GuestMemory memory, List<VirtioMmioDevice> devices, int vcpus) {
        return this::restore;
    }

    private void restore(VcpuFd vcpu, List<CpuidEntry> supported, int vcpus) {
        KvmVcpuState saved = state.vcpus().get(vcpu.id());
        if (saved.tscKhz() != 0 && needsScaling(vcpu.getTscKhz(), saved.tscKhz())) {
            vcpu.setTscKhz(saved.tscKhz());
        }
        vcpu.restoreState(saved);
    }

    static boolean needsScaling(int hostKhz, int savedKhz) {
        return Math.abs((long) hostKhz - savedKhz) * 1_000_000L > (long) savedKhz * TSC_TOLERANCE_PPM;
    }
}
