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
    /** Where a container's own files for its /etc sit in the archive {@link #withEtcFiles} appends. */
    static final String ETC = "kapsel/etc";

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
            // files a second archive appended for this container put under /kapsel/etc (the bridge's resolv.conf, hosts)
            "for f in /" + ETC + "/*; do [ -f \"$f\" ] || continue; mkdir -p /mnt/root/etc; n=${f##*/};"
                + " rm -f /mnt/root/etc/$n; cat \"$f\" > /mnt/root/etc/$n; done",
            "exec /" + AGENT + " --vsock " + VsockConnector.AGENT_PORT + " --root /mnt/root --no-mounts",
            "");

    private ContainerInitramfs() {}

    /**
     * A copy of {@code cached} with a second archive appended holding {@code files} (name in /etc to
     * content), which the script copies into the container's /etc: the kernel unpacks concatenated
     * archives in turn. The image disk stays shared and read-only.
     */
    static Path withEtcFiles(Path cached, java.util.Map<String, String> files, Path target) throws IOException {
        dev.kapsel.initramfs.Initramfs extra = new dev.kapsel.initramfs.Initramfs().directory("kapsel").directory(ETC);
        files.forEach((name, content) -> extra.file(ETC + "/" + name, 0644, content));
        java.nio.file.Files.copy(cached, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.write(target, extra.toBytes(), java.nio.file.StandardOpenOption.APPEND);
        return target;
    }

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
