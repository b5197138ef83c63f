package dev.kapsel.sandbox.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.NetlinkSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SIOCGIF* answers on a struct ifreq, and what they refuse. */
class InterfaceRequestsTest {
    private static final byte[] MAC = {2, 0, 0, 0, 0, 9};
    private static final RtnetlinkResponder.Interfaces NOW;

    static {
        try {
            NOW = new RtnetlinkResponder.Interfaces(List.of(
                    new NetlinkSocket.Link(1, "lo", new byte[6], 65536, 0x49, 772, null, 1000),
                    new NetlinkSocket.Link(4, "eth0", MAC, 1400, 0x1043, 1, "veth", 500)),
                    List.of(new NetlinkSocket.IfAddress(4, InetAddress.getByName("fe80::1"), 64, 253),
                            new NetlinkSocket.IfAddress(4, InetAddress.getByName("10.88.0.5"), 16, 0)));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] named(String name) {
        byte[] r = new byte[InterfaceRequests.IFREQ_SIZE];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, r, 0, Math.min(n.length, r.length));
        return r;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void getsByNameAndByIndex() {
        assertEquals(4, le(InterfaceRequests.answer(InterfaceRequests.SIOCGIFINDEX, named("eth0"), NOW)).getInt(16));
        assertEquals(500, le(InterfaceRequests.answer(InterfaceRequests.SIOCGIFTXQLEN, named("eth0"), NOW)).getInt(16));
        assertEquals(1400, le(InterfaceRequests.answer(InterfaceRequests.SIOCGIFMTU, named("eth0"), NOW)).getInt(16));
        assertEquals(0x1043, le(InterfaceRequests.answer(InterfaceRequests.SIOCGIFFLAGS, named("eth0"), NOW)).getShort(16));
        byte[] hw = InterfaceRequests.answer(InterfaceRequests.SIOCGIFHWADDR, named("eth0"), NOW);
        assertEquals(1, le(hw).getShort(16));
        assertArrayEquals(MAC, java.util.Arrays.copyOfRange(hw, 18, 24));
        byte[] addr = InterfaceRequests.answer(InterfaceRequests.SIOCGIFADDR, named("eth0"), NOW);
        assertArrayEquals(new byte[] {10, 88, 0, 5}, java.util.Arrays.copyOfRange(addr, 20, 24), "the IPv4 address, not the IPv6 one");
        byte[] byIndex = new byte[InterfaceRequests.IFREQ_SIZE];
        le(byIndex).putInt(16, 1);
        assertTrue(new String(InterfaceRequests.answer(InterfaceRequests.SIOCGIFNAME, byIndex, NOW), StandardCharsets.US_ASCII).startsWith("lo\0"));
    }

    @Test
    void unknownNamesAndIndexesAndUnterminatedNamesAreNoDevice() {
        assertEquals(Errno.ENODEV, assertThrows(ErrnoException.class,
                () -> InterfaceRequests.answer(InterfaceRequests.SIOCGIFINDEX, named("eth9"), NOW)).errno());
        byte[] bad = new byte[InterfaceRequests.IFREQ_SIZE];
        le(bad).putInt(16, 77);
        assertEquals(Errno.ENODEV, assertThrows(ErrnoException.class,
                () -> InterfaceRequests.answer(InterfaceRequests.SIOCGIFNAME, bad, NOW)).errno());
        // 40 bytes of 'e': the name is cut at IFNAMSIZ - 1, as the kernel does, and matches nothing
        byte[] longName = named("e".repeat(40));
        assertEquals(Errno.ENODEV, assertThrows(ErrnoException.class,
                () -> InterfaceRequests.answer(InterfaceRequests.SIOCGIFINDEX, longName, NOW)).errno());
        assertEquals(SocketErrno.EADDRNOTAVAIL, assertThrows(ErrnoException.class,
                () -> InterfaceRequests.answer(InterfaceRequests.SIOCGIFADDR, named("lo"), NOW)).errno());
    }

    @Test
    void setsArePermissionDeniedAndOtherRequestsUnsupported() {
        for (int set : new int[] {0x8914, 0x8916, 0x8922, 0x8924, 0x8943}) {
            assertEquals(Errno.EPERM, assertThrows(ErrnoException.class,
                    () -> InterfaceRequests.answer(set, named("eth0"), NOW)).errno(), Integer.toHexString(set));
        }
        assertEquals(Errno.EOPNOTSUPP, assertThrows(ErrnoException.class,
                () -> InterfaceRequests.answer(0x8912, named("eth0"), NOW)).errno(), "SIOCGIFCONF");
        assertTrue(InterfaceRequests.covers(0x8933) && !InterfaceRequests.covers(0x5401), "TCGETS is not an interface request");
    }
}
