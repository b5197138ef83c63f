package dev.kapsel.vmm;

import dev.kapsel.kvm.KvmVcpuState;
import dev.kapsel.kvm.KvmVmState;
import java.util.List;

/**
 * Everything but guest RAM that a paused {@link MicroVm} is: the configuration it was built from (the
 * devices to make again: disks by path, taps by name, vsock by CID and socket, shares by directory), each
 * vCPU's KVM state, the VM's in-kernel devices and clock, and {@code devices}: the serial port's, the
 * i8042's and each virtio-mmio transport's state (with its device's), in that order and slot order, as
 * {@link dev.kapsel.state.StateWriter} bytes. Taken by {@link MicroVm#saveState}, made into a VM again by
 * {@link VmBuilder#restore}.
 */
public record MicroVmState(VmConfig config, List<KvmVcpuState> vcpus, KvmVmState vm, byte[] devices) {
    public MicroVmState {
        vcpus = List.copyOf(vcpus);
        if (vcpus.size() != config.vcpus()) {
            throw new IllegalArgumentException(vcpus.size() + " vCPU states for a VM of " + config.vcpus() + " vCPUs");
        }
    }
}
