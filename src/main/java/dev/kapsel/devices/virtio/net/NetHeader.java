package dev.kapsel.devices.virtio.net;

import dev.kapsel.virtio.FeatureBits;

/**
 * The offload fields of {@code struct virtio_net_hdr_v1} (virtio 1.2, 5.1.6) and what a header may ask
 * for under the negotiated features. The other fields (hdr_len, gso_size, csum_start, csum_offset)
 * pass through untouched: the host kernel's tap checks them against the frame, as it does for QEMU
 * and vhost-net.
 */
final class NetHeader {
    private NetHeader() {}

    static final int FLAGS = 0;
    static final int GSO_TYPE = 1;
    static final long NUM_BUFFERS = 10;

    static final int F_NEEDS_CSUM = 1;
    static final int F_DATA_VALID = 2;

    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;

    /** Whether a header the guest transmitted asks only for offloads it negotiated (host side). */
    static boolean transmitAllowed(int flags, int gsoType, long features) {
        if ((flags & ~F_NEEDS_CSUM) != 0 || (flags != 0 && !FeatureBits.has(features, NetDevice.F_CSUM))) {
            return false;
        }
        return gsoAllowed(gsoType, features, NetDevice.F_HOST_TSO4, NetDevice.F_HOST_TSO6);
    }

    /**
     * The flags to deliver with a frame the backend received, or -1 if the frame uses an offload the
     * guest did not negotiate and must be dropped. DATA_VALID (checksum already verified) is only a
     * hint: without GUEST_CSUM it is cleared and the guest checks the whole frame itself.
     */
    static int receiveFlags(int flags, int gsoType, long features) {
        boolean guestCsum = FeatureBits.has(features, NetDevice.F_GUEST_CSUM);
        if ((flags & ~(F_NEEDS_CSUM | F_DATA_VALID)) != 0 || ((flags & F_NEEDS_CSUM) != 0 && !guestCsum)) {
            return -1;
        }
        if (!gsoAllowed(gsoType, features, NetDevice.F_GUEST_TSO4, NetDevice.F_GUEST_TSO6)) {
            return -1;
        }
        return guestCsum ? flags : 0;
    }

    private static boolean gsoAllowed(int gsoType, long features, int tso4, int tso6) {
        return switch (gsoType) {
            case GSO_NONE -> true;
            case GSO_TCPV4 -> FeatureBits.has(features, tso4);
            case GSO_TCPV6 -> FeatureBits.has(features, tso6);
            default -> false; // UDP (UFO), ECN and unknown types are never offered
        };
    }
}
