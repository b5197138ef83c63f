package dev.kapsel.sandbox.net;

import static dev.kapsel.sys.Rtnetlink.*;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.NetlinkMessage;
import dev.kapsel.sys.NetlinkSocket;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The read-only part of rtnetlink a sandboxed program gets ({@code rtnetlink(7)}): what {@code ip
 * addr}, {@code ip link} and getifaddrs(3) ask. RTM_GETLINK (a dump, or one link by index or name) and
 * RTM_GETADDR dumps are answered from a snapshot of the network namespace's real links and addresses;
 * every request that would change something fails with EPERM (the program has no CAP_NET_ADMIN over
 * the namespace), every other request with EOPNOTSUPP. The request bytes are the program's: each
 * message is walked as the kernel's netlink_rcv_skb does (a header that is short or overruns the
 * buffer ends the walk; messages without NLM_F_REQUEST and control messages are only acknowledged),
 * and its family header and attributes are read only within its own length.
 */
final class RtnetlinkResponder {
    /** The namespace's interfaces at one moment. */
    record Interfaces(List<NetlinkSocket.Link> links, List<NetlinkSocket.IfAddress> addresses) {}

    /** The replies, and whether some were left out because they would not fit the budget (an overrun). */
    record Answer(List<byte[]> replies, boolean cut) {}

    private RtnetlinkResponder() {}

    /**
     * The reply messages (each a whole netlink message, pid {@code portId}) to the messages in {@code
     * request[0..length)}, at most {@code budget} bytes of them (the walk stops at the first that does
     * not fit); {@code interfaces} is read at most once,
     * by the first dump or lookup, and may fail with an {@link ErrnoException} that becomes that
     * request's error.
     */
    static Answer answer(byte[] request, int length, int portId, Supplier<Interfaces> interfaces, int budget) {
        ByteBuffer b = ByteBuffer.wrap(request, 0, Math.min(length, request.length)).order(ByteOrder.nativeOrder());
        int end = Math.min(length, request.length);
        Supplier<Interfaces> once = memoized(interfaces);
        List<byte[]> out = new ArrayList<>();
        int used = 0;
        for (int p = 0; end - p >= NLMSGHDR_SIZE; ) {
            int len = b.getInt(p);
            if (len < NLMSGHDR_SIZE || len > end - p) {
                break;
            }
            int type = Short.toUnsignedInt(b.getShort(p + 4));
            int flags = Short.toUnsignedInt(b.getShort(p + 6));
            int seq = b.getInt(p + 8);
            List<byte[]> replies;
            int error = 0;
            if ((flags & NLM_F_REQUEST) == 0 || type < NLMSG_MIN_TYPE) {
                replies = List.of();
            } else {
                try {
                    replies = handle(b, p, len, type, flags, seq, portId, once);
                } catch (ErrnoException e) {
                    replies = List.of();
                    error = e.errno();
                }
            }
            if (error != 0 || (flags & NLM_F_ACK) != 0) {
                replies = List.of(error(Arrays.copyOfRange(request, p, p + NLMSGHDR_SIZE), error, portId));
            }
            for (byte[] r : replies) {
                if (used + r.length > budget) {
                    return new Answer(out, true);
                }
                used += r.length;
                out.add(r);
            }
            p += Math.min(end - p, (len + 3) & ~3);
        }
        return new Answer(out, false);
    }

    private static List<byte[]> handle(ByteBuffer b, int p, int len, int type, int flags, int seq, int portId,
                                       Supplier<Interfaces> interfaces) {
        boolean dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
        int body = p + NLMSGHDR_SIZE;
        int bodyLength = len - NLMSGHDR_SIZE;
        // the family is the first byte of every family header (struct rtgenmsg in old dump requests)
        int family = bodyLength >= 1 ? Byte.toUnsignedInt(b.get(body)) : AF_UNSPEC;
        switch (type) {
            case RTM_GETLINK -> {
                if (dump) {
                    List<byte[]> out = new ArrayList<>();
                    for (NetlinkSocket.Link l : interfaces.get().links()) {
                        out.add(link(l, seq, portId, NLM_F_MULTI));
                    }
                    out.add(done(seq, portId));
                    return out;
                }
                if (bodyLength < IFINFOMSG_SIZE) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                int index = b.getInt(body + 4);
                String name = null;
                if (index <= 0) {
                    byte[] n = attributes(b, body + IFINFOMSG_SIZE, p + len).get(IFLA_IFNAME);
                    if (n == null) {
                        throw new ErrnoException(Errno.EINVAL);
                    }
                    name = NetlinkMessage.string(n);
                }
                for (NetlinkSocket.Link l : interfaces.get().links()) {
                    if (index > 0 ? l.index() == index : l.name().equals(name)) {
                        return List.of(link(l, seq, portId, 0));
                    }
                }
                throw new ErrnoException(Errno.ENODEV);
            }
            case RTM_GETADDR -> {
                if (!dump) {
                    throw new ErrnoException(Errno.EOPNOTSUPP);
                }
                Interfaces now = interfaces.get();
                List<byte[]> out = new ArrayList<>();
                for (NetlinkSocket.IfAddress a : now.addresses()) {
                    int f = a.address() instanceof Inet4Address ? AF_INET : AF_INET6;
                    if (family == AF_UNSPEC || family == f || family != AF_INET && family != AF_INET6) {
                        out.add(address(a, f, label(now, a.index()), seq, portId));
                    }
                }
                out.add(done(seq, portId));
                return out;
            }
            default -> {
                // rtnetlink's types come in fours from RTM_BASE: NEW, DEL, GET, SET; all but GET change state
                throw new ErrnoException((type - RTM_NEWLINK) % 4 == 2 ? Errno.EOPNOTSUPP : Errno.EPERM);
            }
        }
    }

    private static Map<Integer, byte[]> attributes(ByteBuffer b, int from, int end) {
        try {
            return NetlinkMessage.attributes(b, from, end);
        } catch (IllegalArgumentException e) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    private static String label(Interfaces now, int index) {
        for (NetlinkSocket.Link l : now.links()) {
            if (l.index() == index) {
                return l.name();
            }
        }
        return null;
    }

    /** RTM_NEWLINK for {@code l}: ifinfomsg, then name, MTU, transmit queue length, and hardware and broadcast address when it has one. */
    static byte[] link(NetlinkSocket.Link l, int seq, int portId, int flags) {
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK, 0, IFINFOMSG_SIZE)
                .u16(2, l.type()).u32(4, l.index()).u32(8, l.flags())
                .attrString(IFLA_IFNAME, l.name()).attrU32(IFLA_MTU, l.mtu()).attrU32(IFLA_TXQLEN, l.txQueueLength());
        if (l.mac().length > 0) {
            byte[] broadcast = new byte[l.mac().length];
            if (l.type() == ARPHRD_ETHER) {
                Arrays.fill(broadcast, (byte) 0xff);
            }
            m.attr(IFLA_ADDRESS, l.mac()).attr(IFLA_BROADCAST, broadcast);
        }
        return reply(m, seq, portId, flags);
    }

    /** RTM_NEWADDR: ifaddrmsg, IFA_ADDRESS, and for IPv4 IFA_LOCAL and the link's name as IFA_LABEL, as Linux sends. */
    static byte[] address(NetlinkSocket.IfAddress a, int family, String label, int seq, int portId) {
        byte[] ip = a.address().getAddress();
        NetlinkMessage m = new NetlinkMessage(RTM_NEWADDR, 0, IFADDRMSG_SIZE)
                .u8(0, family).u8(1, a.prefix()).u8(2, IFA_F_PERMANENT).u8(3, a.scope()).u32(4, a.index())
                .attr(IFA_ADDRESS, ip);
        if (family == AF_INET) {
            m.attr(IFA_LOCAL, ip);
            if (label != null) {
                m.attrString(IFA_LABEL, label);
            }
        }
        return reply(m, seq, portId, NLM_F_MULTI);
    }

    static byte[] done(int seq, int portId) {
        return reply(new NetlinkMessage(NLMSG_DONE, 0, 4), seq, portId, NLM_F_MULTI);
    }

    /** NLMSG_ERROR with {@code -errno} (0: an acknowledgement) and the request's header, as with NETLINK_CAP_ACK. */
    static byte[] error(byte[] requestHeader, int errno, int portId) {
        int seq = ByteBuffer.wrap(requestHeader).order(ByteOrder.nativeOrder()).getInt(8);
        byte[] r = reply(new NetlinkMessage(NLMSG_ERROR, 0, NLMSGERR_SIZE).u32(0, -errno), seq, portId, 0);
        System.arraycopy(requestHeader, 0, r, NLMSGHDR_SIZE + 4, NLMSGHDR_SIZE);
        return r;
    }

    /** The builder's bytes with the reply's flags (no NLM_F_REQUEST) and the receiving socket's port id. */
    private static byte[] reply(NetlinkMessage m, int seq, int portId, int flags) {
        byte[] r = m.bytes(seq);
        ByteBuffer.wrap(r).order(ByteOrder.nativeOrder()).putShort(6, (short) flags).putInt(12, portId);
        return r;
    }

    private static <T> Supplier<T> memoized(Supplier<T> s) {
        Object[] cell = new Object[1];
        return () -> {
            if (cell[0] == null) {
                cell[0] = s.get();
            }
            @SuppressWarnings("unchecked")
            T t = (T) cell[0];
            return t;
        };
    }
}
