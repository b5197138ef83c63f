package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.NetlinkSocket;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The read-only interface ioctls of {@code netdevice(7)} on any socket, answered from the network
 * namespace's links and addresses (what busybox {@code ip} and {@code ifconfig} ask besides netlink):
 * SIOCGIFNAME, SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFMTU, SIOCGIFTXQLEN, SIOCGIFHWADDR and SIOCGIFADDR
 * on a {@code struct ifreq} (a 16-byte name, then a union at offset 16). The SIOCSIF* requests that
 * would change an interface fail with EPERM; other requests of the block with EOPNOTSUPP.
 */
final class InterfaceRequests {
    /** sizeof(struct ifreq) on x86-64. */
    static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    static final int SIOCGIFNAME = 0x8910, SIOCGIFFLAGS = 0x8913, SIOCGIFADDR = 0x8915, SIOCGIFMTU = 0x8921,
            SIOCGIFHWADDR = 0x8927, SIOCGIFINDEX = 0x8933, SIOCGIFTXQLEN = 0x8942;
    private static final int[] SETS = {0x8914, 0x8916, 0x8918, 0x891a, 0x891c, 0x891e, 0x8922, 0x8923, 0x8924, 0x8943};
    private static final int FIRST = 0x8910, LAST = 0x895f;

    private InterfaceRequests() {}

    /** Whether {@code request} is one of the SIOC*IF* block (socket ioctls on interfaces). */
    static boolean covers(long request) {
        return request >= FIRST && request <= LAST;
    }

    /** The ifreq to copy back for {@code request} on {@code ifreq} (IFREQ_SIZE bytes the program passed). */
    static byte[] answer(long request, byte[] ifreq, RtnetlinkResponder.Interfaces now) {
        if (Arrays.stream(SETS).anyMatch(s -> s == request)) {
            throw new ErrnoException(Errno.EPERM);
        }
        ByteBuffer r = ByteBuffer.wrap(ifreq.clone()).order(ByteOrder.nativeOrder());
        if (request == SIOCGIFNAME) {
            NetlinkSocket.Link l = byIndex(now, r.getInt(IFNAMSIZ));
            byte[] name = Arrays.copyOf(l.name().getBytes(StandardCharsets.US_ASCII), IFNAMSIZ - 1);
            r.put(0, name).put(IFNAMSIZ - 1, (byte) 0);
            return r.array();
        }
        NetlinkSocket.Link l = byName(now, ifreq);
        switch ((int) request) {
            case SIOCGIFINDEX -> r.putInt(IFNAMSIZ, l.index());
            case SIOCGIFFLAGS -> r.putShort(IFNAMSIZ, (short) l.flags());
            case SIOCGIFMTU -> r.putInt(IFNAMSIZ, l.mtu());
            case SIOCGIFTXQLEN -> r.putInt(IFNAMSIZ, l.txQueueLength());
            case SIOCGIFHWADDR -> {
                r.put(IFNAMSIZ, new byte[16]);
                r.putShort(IFNAMSIZ, (short) l.type());
                r.put(IFNAMSIZ + 2, l.mac(), 0, Math.min(14, l.mac().length));
            }
            case SIOCGIFADDR -> {
                Inet4Address a = now.addresses().stream().filter(x -> x.index() == l.index() && x.address() instanceof Inet4Address)
                        .map(x -> (Inet4Address) x.address()).findFirst()
                        .orElseThrow(() -> new ErrnoException(SocketErrno.EADDRNOTAVAIL));
                r.put(IFNAMSIZ, new byte[16]);
                r.putShort(IFNAMSIZ, (short) Network.AF_INET);
                r.put(IFNAMSIZ + 4, a.getAddress());
            }
            default -> throw new ErrnoException(Errno.EOPNOTSUPP);
        }
        return r.array();
    }

    private static NetlinkSocket.Link byIndex(RtnetlinkResponder.Interfaces now, int index) {
        return now.links().stream().filter(l -> l.index() == index).findFirst()
                .orElseThrow(() -> new ErrnoException(Errno.ENODEV));
    }

    /** The link named by ifr_name (at most IFNAMSIZ - 1 bytes: the kernel ends the name there). */
    private static NetlinkSocket.Link byName(RtnetlinkResponder.Interfaces now, byte[] ifreq) {
        int n = 0;
        while (n < IFNAMSIZ - 1 && ifreq[n] != 0) {
            n++;
        }
        String name = new String(ifreq, 0, n, StandardCharsets.US_ASCII);
        return now.links().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new ErrnoException(Errno.ENODEV));
    }
}
