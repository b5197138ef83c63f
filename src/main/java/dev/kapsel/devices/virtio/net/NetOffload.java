package dev.kapsel.devices.virtio.net;

/**
 * An offload a {@link NetBackend} can carry in the {@code virtio_net_hdr_v1} of its frames, each way:
 * frames whose TCP/UDP checksum is left partial ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}), and TCP
 * segmentation (GSO types TCPV4 and TCPV6, frames of up to 64 KiB cut into MSS-sized segments by
 * whoever sends them on). Each maps to a pair of virtio-net features: the device side (the guest's
 * transmitted frames) and the guest side (frames the guest receives).
 */
public enum NetOffload {
    CHECKSUM(NetDevice.F_CSUM, NetDevice.F_GUEST_CSUM),
    TSO4(NetDevice.F_HOST_TSO4, NetDevice.F_GUEST_TSO4),
    TSO6(NetDevice.F_HOST_TSO6, NetDevice.F_GUEST_TSO6);

    /** The feature by which the device takes such frames from the guest. */
    final int hostFeature;
    /** The feature by which the guest takes such frames from the device. */
    final int guestFeature;

    NetOffload(int hostFeature, int guestFeature) {
        this.hostFeature = hostFeature;
        this.guestFeature = guestFeature;
    }
}
