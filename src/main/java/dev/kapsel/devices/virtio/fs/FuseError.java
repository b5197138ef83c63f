package dev.kapsel.devices.virtio.fs;

/**
 * A request the server answers with {@code -errno}: a malformed argument block, a refused name, a
 * forged node id or handle, a write to a read-only share, or the host call's own failure.
 */
final class FuseError extends Exception {
    final int errno;

    FuseError(int errno) {
        super(null, null, false, false); // no stack trace: this is a normal answer, not a bug
        this.errno = errno;
    }
}
