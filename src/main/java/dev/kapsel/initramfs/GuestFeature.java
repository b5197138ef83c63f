package dev.kapsel.initramfs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a guest can use once its initramfs has loaded the modules for it. Every virtio feature also
 * needs the virtio-mmio transport, which binds the devices kapsel describes in the DSDT.
 */
public enum GuestFeature {
    /** virtio-blk disks ({@code /dev/vda}, ...). */
    BLOCK("virtio_mmio", "virtio_blk"),
    /** virtio-net interfaces ({@code eth0}, ...). */
    NET("virtio_mmio", "virtio_net"),
    /** AF_VSOCK sockets over virtio-vsock, the host channel. */
    VSOCK("virtio_mmio", "vmw_vsock_virtio_transport"),
    /** virtio-rng as {@code /dev/hwrng}. */
    RNG("virtio_mmio", "virtio_rng"),
    /** virtio-console ports ({@code /dev/hvc0}, {@code /dev/vport*}). */
    CONSOLE("virtio_mmio", "virtio_console"),
    /** virtio-balloon: the guest gives memory back to the host. */
    BALLOON("virtio_mmio", "virtio_balloon"),
    /** virtio-fs: host directories mounted with {@code mount -t virtiofs TAG DIR} (the module pulls in fuse). */
    FS("virtio_mmio", "virtiofs"),
    /** overlayfs, for a writable layer over a read-only root. */
    OVERLAY("overlay");

    private final List<String> modules;

    GuestFeature(String... modules) {
        this.modules = List.of(modules);
    }

    /** The module names this feature needs (dependencies are resolved through modules.dep). */
    public List<String> modules() {
        return modules;
    }

    /** The feature named {@code name} (case-insensitive), as a user writes it: block, net, vsock, ... */
    public static GuestFeature parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown guest feature '" + name + "'; known: "
                    + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }
}
