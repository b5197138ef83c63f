package dev.kapsel.devices.virtio.net;

import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.Tap;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * A {@link NetBackend} on a host tap device with 12-byte virtio-net headers. A tap opened with
 * IFF_VNET_HDR always takes checksum and TSO requests in written headers (the kernel finishes the
 * frame); what it may put in read headers is set with TUNSETOFFLOAD. The offloads offered are those
 * the kernel accepted in a TUNSETOFFLOAD probe at open, after which the tap is set back to none until
 * the guest accepts some.
 */
public final class TapBackend implements NetBackend, AutoCloseable {
    private final Tap tap;
    private final Set<NetOffload> offloads;

    private TapBackend(Tap tap, Set<NetOffload> offloads) {
        this.tap = tap;
        this.offloads = Set.copyOf(offloads);
    }

    /**
     * Attaches to the existing tap interface {@code name} and probes its offloads; with {@code takeOver} the tap stops being persistent, so it
     * lives only as long as this fd: a VMM killed outright leaves no tap behind.
     */
    public static TapBackend open(String name, boolean takeOver) {
        Tap tap = Tap.open(name, NetDevice.HEADER_SIZE);
        if (takeOver) {
            tap.persist(false);
        }
        Set<NetOffload> accepted = EnumSet.noneOf(NetOffload.class);
        if (tap.trySetOffload(Tap.TUN_F_CSUM | Tap.TUN_F_TSO4 | Tap.TUN_F_TSO6)) {
            accepted = EnumSet.allOf(NetOffload.class);
        } else if (tap.trySetOffload(Tap.TUN_F_CSUM)) {
            accepted.add(NetOffload.CHECKSUM);
        }
        tap.setOffload(0);
        return new TapBackend(tap, accepted);
    }

    static int tunFlags(Set<NetOffload> offloads) {
        int flags = 0;
        for (NetOffload o : offloads) {
            flags |= switch (o) {
                case CHECKSUM -> Tap.TUN_F_CSUM;
                case TSO4 -> Tap.TUN_F_TSO4;
                case TSO6 -> Tap.TUN_F_TSO6;
            };
        }
        return flags;
    }

    @Override
    public Set<NetOffload> offloads() {
        return offloads;
    }

    /**
     * TUNSETOFFLOAD with the flags of {@code allowed}; should the kernel refuse (it took them at open),
     * the tap stays as it was and the device drops received frames using what the guest did not accept.
     */
    @Override
    public void setReceiveOffloads(Set<NetOffload> allowed) {
        tap.trySetOffload(tunFlags(allowed));
    }

    @Override
    public int read(MemorySegment buffer) {
        return tap.read(buffer);
    }

    @Override
    public void write(MemorySegment frame) throws IOException {
        try {
            tap.write(frame);
        } catch (SyscallException e) {
            throw new IOException("tap " + tap.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int pollFd() {
        return tap.fd();
    }

    /** Closes the tap file descriptor (the interface itself stays: it is the host's). */
    @Override
    public void close() {
        tap.close();
    }
}
