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
            throw new IllegalArgumentException("--vsock cid must be between 3 and 4294967294, not " + guestCid);
        }
    }

    /** Parses the {@code --vsock} syntax {@code uds=PATH[,cid=N]}. */
    public static VsockConfig parse(String spec) {
        Path uds = null;
        long cid = DEFAULT_GUEST_CID;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            switch (name) {
                case "uds" -> uds = value.isEmpty() ? null : Path.of(value);
                case "cid" -> {
                    try {
                        cid = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--vsock " + spec + ": cid must be a number, not '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("--vsock " + spec + ": unknown option '" + name
                        + "' (the syntax is uds=PATH[,cid=N])");
            }
        }
        if (uds == null) {
            throw new IllegalArgumentException("--vsock " + spec + ": needs uds=PATH (the syntax is uds=PATH[,cid=N])");
        }
        return new VsockConfig(uds, cid);
    }
}
