package dev.kapsel.vmm;

import java.nio.file.Path;

/**
 * A raw disk image attached as a virtio-blk device. The guest sees disks as /dev/vda, /dev/vdb, ...
 * in the order given.
 *
 * @param path     the image file (its size, in whole 512-byte sectors, is the disk's capacity)
 * @param readOnly opened read-only on the host and offered with VIRTIO_BLK_F_RO
 */
public record DiskConfig(Path path, boolean readOnly) {
}
