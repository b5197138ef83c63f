package dev.kapsel.devices.virtio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.virtio.FeatureBits;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link NetHeader} over every flags and gso_type byte and every set of the seven offload and MAC
 * features: a header passes only with what was negotiated for its direction.
 */
class NetHeaderProperties {
    private static final int[] FEATURES = {NetDevice.F_CSUM, NetDevice.F_GUEST_CSUM, NetDevice.F_MAC,
            NetDevice.F_GUEST_TSO4, NetDevice.F_GUEST_TSO6, NetDevice.F_HOST_TSO4, NetDevice.F_HOST_TSO6};

    private static long features(int subset) {
        long bits = FeatureBits.TRANSPORT;
        for (int i = 0; i < FEATURES.length; i++) {
            if ((subset & (1 << i)) != 0) {
                bits |= FeatureBits.bit(FEATURES[i]);
            }
        }
        return bits;
    }

    @Property
    void aTransmittedHeaderPassesOnlyWithTheHostOffloadsItUses(@ForAll @IntRange(max = 255) int flags,
            @ForAll @IntRange(max = 255) int gsoType, @ForAll @IntRange(max = 127) int subset) {
        long f = features(subset);
        boolean expected = (flags == 0 || (flags == NetHeader.F_NEEDS_CSUM && FeatureBits.has(f, NetDevice.F_CSUM)))
                && (gsoType == NetHeader.GSO_NONE
                    || (gsoType == NetHeader.GSO_TCPV4 && FeatureBits.has(f, NetDevice.F_HOST_TSO4))
                    || (gsoType == NetHeader.GSO_TCPV6 && FeatureBits.has(f, NetDevice.F_HOST_TSO6)));
        assertEquals(expected, NetHeader.transmitAllowed(flags, gsoType, f));
    }

    @Property
    void aReceivedHeaderReachesTheGuestOnlyWithFlagsAndGsoItAccepted(@ForAll @IntRange(max = 255) int flags,
            @ForAll @IntRange(max = 255) int gsoType, @ForAll @IntRange(max = 127) int subset) {
        long f = features(subset);
        int delivered = NetHeader.receiveFlags(flags, gsoType, f);
        boolean guestCsum = FeatureBits.has(f, NetDevice.F_GUEST_CSUM);
        boolean deliverable = (flags & ~(NetHeader.F_NEEDS_CSUM | NetHeader.F_DATA_VALID)) == 0
                && ((flags & NetHeader.F_NEEDS_CSUM) == 0 || guestCsum)
                && (gsoType == NetHeader.GSO_NONE
                    || (gsoType == NetHeader.GSO_TCPV4 && FeatureBits.has(f, NetDevice.F_GUEST_TSO4))
                    || (gsoType == NetHeader.GSO_TCPV6 && FeatureBits.has(f, NetDevice.F_GUEST_TSO6)));
        assertEquals(deliverable, delivered >= 0, "dropped exactly when it uses what the guest did not accept");
        if (delivered < 0) {
            return;
        }
        assertTrue(delivered == 0 || guestCsum, "flags only with GUEST_CSUM");
        assertEquals(0, delivered & ~(NetHeader.F_NEEDS_CSUM | NetHeader.F_DATA_VALID));
        assertTrue(gsoType == NetHeader.GSO_NONE
                || (gsoType == NetHeader.GSO_TCPV4 && FeatureBits.has(f, NetDevice.F_GUEST_TSO4))
                || (gsoType == NetHeader.GSO_TCPV6 && FeatureBits.has(f, NetDevice.F_GUEST_TSO6)));
        assertEquals(guestCsum ? flags : 0, delivered, "passed unchanged, or DATA_VALID cleared");
    }
}
