package dev.kapsel.vmm;

import java.nio.file.Path;

/**
 * A virtio-vsock device with Firecracker's host side: the VMM listens on {@code uds}; host programs
 * reach guest port N by connecting there and writing {@code CONNECT N\n}; guest connections to host
 * port P go to a Unix socket {@code uds_P} a host program listens on.
 *
 * @param uds      the Unix socket path the VMM binds (an existing socket file there is replaced)
 * @param guestCid the guest's context ID, 3..2^32-2
 */
public record VsockConfig(Path uds, long guestCid) {
    public static final long DEFAULT_GUEST_CID = 3;

    public VsockConfig {
        if (guestCid < 3 || guestCid > 0xffff_fffeL) {
            throw new IllegalArgumentException("vsock guestCid must be between 3 and 4294967294, not " + guestCid);
        }
    }
}
