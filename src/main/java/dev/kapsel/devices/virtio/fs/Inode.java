package dev.kapsel.devices.virtio.fs;

/**
 * One host inode the guest knows: an {@code O_PATH} handle on it (so it cannot be freed and its
 * number reused while the guest holds it, and every operation on it names exactly this inode), the
 * node id the guest calls it by, and how many lookups the guest has not forgotten yet.
 *
 * @param type the {@code S_IFMT} bits, fixed for an inode's life
 */
final class Inode {
    final long nodeId;
    final int fd;
    final long dev;
    final long ino;
    final int type;
    long lookups;

    Inode(long nodeId, int fd, long dev, long ino, int type) {
        this.nodeId = nodeId;
        this.fd = fd;
        this.dev = dev;
        this.ino = ino;
        this.type = type;
    }
}
