package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * struct sockaddr_in (16 bytes) and sockaddr_in6 (28 bytes) to and from Java socket addresses.
 * An AF_INET6 socket sees IPv4 peers as IPv4-mapped addresses (::ffff:a.b.c.d), as Linux shows them.
 */
final class InetAddressCodec {
    private InetAddressCodec() {}

    static int familyOf(byte[] raw) {
        return raw.length < 2 ? -1 : (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
    }

    /** Decodes an address given to a socket of {@code family}: EAFNOSUPPORT for another family, EINVAL when short. */
    static InetSocketAddress decode(byte[] raw, int family) {
        int f = familyOf(raw);
        if (f != family) {
            throw new ErrnoException(raw.length < 2 ? Errno.EINVAL : SocketErrno.EAFNOSUPPORT);
        }
        int port = (raw[2] & 0xff) << 8 | (raw[3] & 0xff);
        try {
            if (family == Network.AF_INET) {
                if (raw.length < 16) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(raw, 4, 8)), port);
            }
            if (raw.length < 24) {
                throw new ErrnoException(Errno.EINVAL);
            }
            byte[] a = java.util.Arrays.copyOfRange(raw, 8, 24);
            int scope = raw.length >= 28 ? (raw[24] & 0xff) | (raw[25] & 0xff) << 8 | (raw[26] & 0xff) << 16 | raw[27] << 24 : 0;
            InetAddress address = scope != 0 ? Inet6Address.getByAddress(null, a, scope) : InetAddress.getByAddress(a);
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** The sockaddr bytes for {@code address} as a socket of {@code family} reports it. */
    static byte[] encode(java.net.SocketAddress socketAddress, int family) {
        InetSocketAddress s = (InetSocketAddress) socketAddress;
        InetAddress a = s.getAddress();
        int port = s.getPort();
        if (family == Network.AF_INET) {
            byte[] out = new byte[16];
            out[0] = Network.AF_INET;
            out[2] = (byte) (port >> 8);
            out[3] = (byte) port;
            byte[] v4 = a instanceof Inet4Address ? a.getAddress() : new byte[4];
            if (a instanceof Inet6Address six) {
                byte[] b = six.getAddress();
                System.arraycopy(b, 12, v4, 0, 4); // an IPv4-mapped address
            }
            System.arraycopy(v4, 0, out, 4, 4);
            return out;
        }
        byte[] out = new byte[28];
        out[0] = Network.AF_INET6;
        out[2] = (byte) (port >> 8);
        out[3] = (byte) port;
        byte[] v6;
        if (a instanceof Inet4Address) {
            v6 = new byte[16];
            v6[10] = (byte) 0xff;
            v6[11] = (byte) 0xff;
            System.arraycopy(a.getAddress(), 0, v6, 12, 4);
        } else {
            v6 = a.getAddress();
            int scope = ((Inet6Address) a).getScopeId();
            out[24] = (byte) scope;
            out[25] = (byte) (scope >> 8);
            out[26] = (byte) (scope >> 16);
            out[27] = (byte) (scope >> 24);
        }
        System.arraycopy(v6, 0, out, 8, 16);
        return out;
    }
}
