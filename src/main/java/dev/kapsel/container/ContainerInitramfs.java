package dev.kapsel.container;

import dev.kapsel.agent.VsockConnector;
import dev.kapsel.initramfs.GuestFeature;
import dev.kapsel.initramfs.GuestInitramfs;
import dev.kapsel.initramfs.KernelModules;
import dev.kapsel.initramfs.ModuleException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The initramfs every container micro-VM boots: the block, vsock, overlay, virtio-net and virtio-fs modules, the guest agent,
 * and a script that mounts the image disk read-only under a tmpfs overlay (the container's writable
 * layer, gone with the VM), mounts proc, sys, dev, devpts, dev/shm, dev/mqueue (if the kernel has it) and tmp inside it, and hands over to the agent,
 * which runs container processes chrooted into that root. Built once per kernel and agent, then cached.
 */
public final class ContainerInitramfs {
    /** Where the agent sits in the initramfs. */
    static final String AGENT = "kapsel/kapsel-agent";

    static final String SCRIPT = String.join("\n",
            "set -e",
            "mkdir -p /mnt/image /mnt/rw /mnt/root",
            "mount -t ext4 -o ro /dev/vda /mnt/image",
            "mount -t tmpfs -o mode=0755 tmpfs /mnt/rw",
            "mkdir -p /mnt/rw/upper /mnt/rw/work",
            "mount -t overlay overlay -o lowerdir=/mnt/image,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work /mnt/root",
            "for d in proc sys dev tmp; do mkdir -p /mnt/root/$d; done",
            "mount -t proc proc /mnt/root/proc",
            "mount -t sysfs sysfs /mnt/root/sys",
            "mount -t devtmpfs devtmpfs /mnt/root/dev",
            "mkdir -p /mnt/root/dev/pts /mnt/root/dev/shm",
            "mount -t devpts -o ptmxmode=0666 devpts /mnt/root/dev/pts",
            "mount -t tmpfs -o mode=1777 tmpfs /mnt/root/tmp",
            "mount -t tmpfs -o mode=1777 tmpfs /mnt/root/dev/shm",
            "mkdir -p /mnt/root/dev/mqueue && mount -t mqueue mqueue /mnt/root/dev/mqueue || true",
            "exec /" + AGENT + " --vsock " + VsockConnector.AGENT_PORT + " --root /mnt/root --no-mounts",
            "");

    private ContainerInitramfs() {}

    /** The cached image for the kernel whose modules are in {@code moduleTree}, with the agent from {@code agentBinary}. */
    public static Path cached(Path moduleTree, Path agentBinary, Path cacheDirectory) throws IOException, ModuleException {
        return GuestInitramfs.forKernel(KernelModules.load(moduleTree))
                .features(List.of(GuestFeature.BLOCK, GuestFeature.VSOCK, GuestFeature.OVERLAY, GuestFeature.NET, GuestFeature.FS))
                .program(AGENT, agentBinary)
                .script(SCRIPT)
                .build()
                .cachedIn(cacheDirectory);
    }
}
