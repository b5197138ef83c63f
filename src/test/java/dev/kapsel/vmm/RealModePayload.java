package dev.kapsel.vmm;

import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.kvm.RealModeVm;
import dev.kapsel.memory.GuestMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A few bytes of real-mode code in place of Linux, so tests drive a whole {@link MicroVm} (devices,
 * their threads, vCPUs on the in-kernel irqchip, teardown) on this host's KVM. vCPU 0 counts a
 * 64-bit value at {@link #COUNTER} as fast as it can, vCPU 1 idles in HLT (nothing ever wakes it),
 * every further vCPU spins in {@code jmp $}: none of them ever exits to user space by itself. Public
 * for the tests of packages above vmm that need a running VM (the container control channel).
 */
public final class RealModePayload implements GuestPayload {
    public static final long COUNTER = 0x3000;
    private static final int COUNT = 0x1000;
    private static final int HALT = 0x1100;
    private static final int SPIN = 0x1200;

    private static final byte[] COUNT_CODE = {
        0x66, (byte) 0x83, 0x06, 0x00, 0x30, 0x01, // add dword [0x3000], 1
        0x66, (byte) 0x83, 0x16, 0x04, 0x30, 0x00, // adc dword [0x3004], 0
        (byte) 0xeb, (byte) 0xf2 // jmp back to the add
    };
    private static final byte[] HALT_CODE = {(byte) 0xf4, (byte) 0xeb, (byte) 0xfd}; // hlt; jmp back to hlt
    private static final byte[] SPIN_CODE = {(byte) 0xeb, (byte) 0xfe}; // jmp $

    @Override
    public VcpuStart load(GuestMemory memory, List<VirtioMmioDevice> devices, int vcpus) {
        memory.write(COUNT, COUNT_CODE);
        memory.write(HALT, HALT_CODE);
        memory.write(SPIN, SPIN_CODE);
        return (vcpu, supported, count) -> {
            if (vcpu.id() > 0) {
                vcpu.setRunnable();
            }
            RealModeVm.startAt(vcpu, vcpu.id() == 0 ? COUNT : vcpu.id() == 1 ? HALT : SPIN);
        };
    }

    /**
     * A VM of 32 MiB and {@code vcpus} vCPUs with a disk (an image in {@code dir}), the entropy device
     * (served by a queue-notification thread) and vsock (its own I/O thread, a socket in {@code dir}).
     */
    public static MicroVm build(Path dir, int vcpus) throws IOException, VmSetupException {
        Path disk = dir.resolve("disk.img");
        if (!Files.exists(disk)) {
            Files.write(disk, new byte[64 * 1024]);
        }
        VmConfig config = new VmConfig(Path.of("/no-kernel: the payload is real-mode code"), Optional.empty(), "", vcpus,
                VmConfig.MIN_MEMORY_MIB, List.of(new DiskConfig(disk, false)), true,
                Optional.of(new VsockConfig(dir.resolve("v.sock"), 3)), List.of());
        return VmBuilder.build(config, OutputStream.nullOutputStream(), new RealModePayload());
    }
}
