package dev.kapsel.vmm;

import dev.kapsel.arch.x86.Layout;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a micro-VM is made of, validated on construction so a bad request fails before any KVM call.
 *
 * @param kernel    ELF vmlinux or bzImage
 * @param initrd    optional initial RAM disk
 * @param cmdline   kernel command line
 * @param vcpus     number of vCPUs (1..{@value #MAX_VCPUS})
 * @param memoryMib guest RAM in MiB ({@value #MIN_MEMORY_MIB}..{@value #MAX_MEMORY_MIB})
 * @param disks     raw images attached as virtio-blk devices, in /dev/vda, vdb, ... order
 * @param rng       whether to attach a virtio-rng device fed from the host's /dev/urandom
 * @param vsock     an optional virtio-vsock device with its host Unix socket
 * @param nets      virtio-net devices, each on a host tap (eth0, eth1, ... in order)
 * @param balloon   an optional virtio-balloon device with its target
 * @param shares    host directories as virtio-fs devices, tags unique
 */
public record VmConfig(Path kernel, Optional<Path> initrd, String cmdline, int vcpus, long memoryMib,
                       List<DiskConfig> disks, boolean rng, Optional<VsockConfig> vsock, List<NetConfig> nets,
                       Optional<BalloonConfig> balloon, List<SharedDirConfig> shares) {
    public static final int MAX_VCPUS = 32;
    public static final long MIN_MEMORY_MIB = 32;
    public static final long MAX_MEMORY_MIB = 256 * 1024;
    /** Serial console, no reboot (a micro-VM ends instead), panics end the VM at once, no PCI bus. */
    public static final String DEFAULT_CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off";
    /** virtio-mmio devices fit in the IOAPIC pins from {@link Layout#IRQ_VIRTIO_FIRST} up. */
    public static final int MAX_VIRTIO_DEVICES = Layout.IOAPIC_NUM_PINS - Layout.IRQ_VIRTIO_FIRST;

    /** A VM with no virtio devices. */
    public VmConfig(Path kernel, Optional<Path> initrd, String cmdline, int vcpus, long memoryMib) {
        this(kernel, initrd, cmdline, vcpus, memoryMib, List.of(), false);
    }

    /** A VM with disks and maybe entropy, no vsock or network. */
    public VmConfig(Path kernel, Optional<Path> initrd, String cmdline, int vcpus, long memoryMib,
                    List<DiskConfig> disks, boolean rng) {
        this(kernel, initrd, cmdline, vcpus, memoryMib, disks, rng, Optional.empty(), List.of());
    }

    /** A VM with every kind of device but a balloon. */
    public VmConfig(Path kernel, Optional<Path> initrd, String cmdline, int vcpus, long memoryMib,
                    List<DiskConfig> disks, boolean rng, Optional<VsockConfig> vsock, List<NetConfig> nets) {
        this(kernel, initrd, cmdline, vcpus, memoryMib, disks, rng, vsock, nets, Optional.empty());
    }

    /** A VM with every kind of device but shared directories. */
    public VmConfig(Path kernel, Optional<Path> initrd, String cmdline, int vcpus, long memoryMib,
                    List<DiskConfig> disks, boolean rng, Optional<VsockConfig> vsock, List<NetConfig> nets,
                    Optional<BalloonConfig> balloon) {
        this(kernel, initrd, cmdline, vcpus, memoryMib, disks, rng, vsock, nets, balloon, List.of());
    }

    public VmConfig {
        disks = List.copyOf(disks);
        nets = List.copyOf(nets);
        shares = List.copyOf(shares);
        int virtioDevices = disks.size() + (rng ? 1 : 0) + (vsock.isPresent() ? 1 : 0) + nets.size()
                + (balloon.isPresent() ? 1 : 0) + shares.size();
        if (virtioDevices > MAX_VIRTIO_DEVICES) {
            throw new IllegalArgumentException("at most " + MAX_VIRTIO_DEVICES
                    + " virtio devices (disks, rng, vsock, nets, balloon, shares) fit, not " + virtioDevices);
        }
        if (shares.stream().map(SharedDirConfig::tag).distinct().count() != shares.size()) {
            throw new IllegalArgumentException("shares: every tag must be unique");
        }
        if (balloon.isPresent() && balloon.get().targetMib() >= memoryMib) {
            throw new IllegalArgumentException("balloon target " + balloon.get().targetMib() + " MiB must be less than memory "
                    + memoryMib + " MiB");
        }
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("vcpus " + vcpus + " is not between 1 and " + MAX_VCPUS);
        }
        if (memoryMib < MIN_MEMORY_MIB) {
            throw new IllegalArgumentException("memory " + memoryMib + " MiB is below " + MIN_MEMORY_MIB + " MiB");
        }
        if (memoryMib > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException("memory " + memoryMib + " MiB is above " + MAX_MEMORY_MIB + " MiB");
        }
        if (cmdline.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("cmdline must not contain NUL");
        }
    }

    public long memoryBytes() {
        return memoryMib << 20;
    }
}
