package dev.kapsel.sys;

import static dev.kapsel.sys.Rtnetlink.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An rtnetlink socket ({@code AF_NETLINK}, {@code NETLINK_ROUTE}) of the network namespace of the
 * thread that opened it, with the few requests kapsel makes: list links, addresses, routes and
 * neighbours; bring a link up with an MTU; create a link of a kind (a bridge), make a link a bridge's port, add an
 * IPv4 address; delete a link; add or delete an ingress qdisc; and add
 * a u32 match-all filter whose mirred action redirects every frame to another link's egress (how
 * Kata Containers and tc-redirect-tap join a tap to a veth). Each request waits for the kernel's
 * acknowledgement; a refusal is a {@link SyscallException} naming the request and the errno.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 64 * 1024;

    /**
     * A network interface as RTM_NEWLINK describes it; {@code kind} is its IFLA_INFO_KIND (veth, tun ...) or
     * null, {@code txQueueLength} its IFLA_TXQLEN (0 when not reported).
     */
    public record Link(int index, String name, byte[] mac, int mtu, int flags, int type, String kind, int txQueueLength) {
        public Link(int index, String name, byte[] mac, int mtu, int flags, int type, String kind) {
            this(index, name, mac, mtu, flags, type, kind, 0);
        }

        public boolean isLoopback() {
            return (flags & IFF_LOOPBACK) != 0;
        }
    }

    /** An address of link {@code index}, with its prefix length and scope. */
    public record IfAddress(int index, InetAddress address, int prefix, int scope) {}

    /** A route of the main table: {@code destination}/{@code prefix} via {@code gateway} (null: on-link) out of {@code oif}. */
    public record Route(InetAddress destination, int prefix, InetAddress gateway, int oif, int protocol, int scope) {}

    /** A neighbour entry: {@code address} at link-layer {@code mac} on link {@code index}, in NUD {@code state}. */
    public record Neighbour(int index, InetAddress address, byte[] mac, int state) {}

    private final FileDescriptor fd;
    private int seq;

    private NetlinkSocket(FileDescriptor fd) {
        this.fd = fd;
    }

    /** Opens a socket in the calling thread's network namespace (see {@link NetNamespace#call}). */
    public static NetlinkSocket open() {
        return new NetlinkSocket(new FileDescriptor(Libc.socket(AF_NETLINK, SOCK_RAW | UnixSocket.SOCK_CLOEXEC, NETLINK_ROUTE)));
    }

    // ---- requests, as bytes (unit-tested against what the headers say) ----

    static NetlinkMessage dumpRequest(int type, int familySize, int family) {
        return new NetlinkMessage(type, NLM_F_DUMP, familySize).u8(0, family);
    }

    /** RTM_NEWLINK on an existing link: IFF_UP set (or cleared) and, when {@code mtu > 0}, IFLA_MTU. */
    static NetlinkMessage setLinkRequest(int index, boolean up, int mtu) {
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK, NLM_F_ACK, IFINFOMSG_SIZE)
                .u32(4, index).u32(8, up ? IFF_UP : 0).u32(12, IFF_UP);
        return mtu > 0 ? m.attrU32(IFLA_MTU, mtu) : m;
    }

    /** RTM_NEWLINK creating link {@code name} of IFLA_INFO_KIND {@code kind} ("bridge"); EEXIST when it is there. */
    static NetlinkMessage createLinkRequest(String name, String kind) {
        return new NetlinkMessage(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, IFINFOMSG_SIZE)
                .attrString(IFLA_IFNAME, name)
                .begin(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, kind).end();
    }

    /** RTM_NEWLINK on an existing link: IFLA_MASTER {@code master} (a bridge port), 0 to leave its bridge. */
    static NetlinkMessage setMasterRequest(int index, int master) {
        return new NetlinkMessage(RTM_NEWLINK, NLM_F_ACK, IFINFOMSG_SIZE).u32(4, index).attrU32(IFLA_MASTER, master);
    }

    /** RTM_NEWADDR of IPv4 {@code address}/{@code prefix} on link {@code index} (scope universe); EEXIST when it is there. */
    static NetlinkMessage addAddressRequest(int index, java.net.Inet4Address address, int prefix) {
        return new NetlinkMessage(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, IFADDRMSG_SIZE)
                .u8(0, AF_INET).u8(1, prefix).u32(4, index)
                .attr(IFA_LOCAL, address.getAddress()).attr(IFA_ADDRESS, address.getAddress());
    }

    static NetlinkMessage deleteLinkRequest(int index) {
        return new NetlinkMessage(RTM_DELLINK, NLM_F_ACK, IFINFOMSG_SIZE).u32(4, index);
    }

    /** RTM_NEWQDISC/RTM_DELQDISC of the ingress qdisc (handle ffff:, parent TC_H_INGRESS) on {@code index}. */
    static NetlinkMessage ingressQdisc(int type, int index) {
        int flags = NLM_F_ACK | (type == RTM_NEWQDISC ? NLM_F_CREATE | NLM_F_EXCL : 0);
        return new NetlinkMessage(type, flags, TCMSG_SIZE).u32(4, index).u32(8, TC_H_INGRESS_HANDLE).u32(12, TC_H_INGRESS)
                .attrString(TCA_KIND, "ingress");
    }

    /**
     * RTM_NEWTFILTER on {@code from}'s ingress: protocol all, u32 with one key matching every frame
     * (mask 0, terminal), action mirred egress redirect to {@code to} that steals the frame (what
     * {@code tc filter add dev FROM parent ffff: protocol all u32 match u8 0 0 action mirred egress
     * redirect dev TO} sends).
     */
    static NetlinkMessage redirectFilter(int from, int to) {
        ByteBuffer sel = ByteBuffer.allocate(TC_U32_SEL_SIZE + TC_U32_KEY_SIZE).order(ByteOrder.nativeOrder());
        sel.put((byte) TC_U32_TERMINAL).put((byte) 0).put((byte) 1); // flags, offshift, nkeys; the key is all zeros
        ByteBuffer mirred = ByteBuffer.allocate(TC_MIRRED_SIZE).order(ByteOrder.nativeOrder());
        mirred.putInt(0).putInt(0).putInt(TC_ACT_STOLEN).putInt(0).putInt(0) // tc_gen: index, capab, action, refcnt, bindcnt
                .putInt(TCA_EGRESS_REDIR).putInt(to);
        // tcm_info: priority 0 (the kernel picks one) in the upper half, the protocol in network order in the lower
        int info = Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ALL));
        return new NetlinkMessage(RTM_NEWTFILTER, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, TCMSG_SIZE)
                .u32(4, from).u32(8, 0).u32(12, TC_H_INGRESS_HANDLE).u32(16, info)
                .attrString(TCA_KIND, "u32")
                .begin(TCA_OPTIONS)
                .attr(TCA_U32_SEL, sel.array())
                .begin(TCA_U32_ACT)
                .begin(TCA_ACT_TAB)
                .attrString(TCA_ACT_KIND, "mirred")
                .begin(TCA_ACT_OPTIONS).attr(TCA_MIRRED_PARMS, mirred.array()).end()
                .end()
                .end()
                .end();
    }

    // ---- replies, parsed ----

    static Link link(ByteBuffer m, int body, int end) {
        Map<Integer, byte[]> a = NetlinkMessage.attributes(m, body + IFINFOMSG_SIZE, end);
        String kind = null;
        if (a.containsKey(IFLA_LINKINFO)) {
            byte[] info = a.get(IFLA_LINKINFO);
            byte[] k = NetlinkMessage.attributes(ByteBuffer.wrap(info).order(ByteOrder.nativeOrder()), 0, info.length).get(IFLA_INFO_KIND);
            kind = k == null ? null : NetlinkMessage.string(k);
        }
        return new Link(m.getInt(body + 4), NetlinkMessage.string(a.getOrDefault(IFLA_IFNAME, new byte[0])),
                a.getOrDefault(IFLA_ADDRESS, new byte[0]), a.containsKey(IFLA_MTU) ? NetlinkMessage.u32(a.get(IFLA_MTU)) : 0,
                m.getInt(body + 8), Short.toUnsignedInt(m.getShort(body + 2)), kind,
                a.containsKey(IFLA_TXQLEN) ? NetlinkMessage.u32(a.get(IFLA_TXQLEN)) : 0);
    }

    static IfAddress address(ByteBuffer m, int body, int end) {
        Map<Integer, byte[]> a = NetlinkMessage.attributes(m, body + IFADDRMSG_SIZE, end);
        byte[] ip = a.containsKey(IFA_LOCAL) ? a.get(IFA_LOCAL) : a.get(IFA_ADDRESS);
        return new IfAddress(m.getInt(body + 4), inet(ip), Byte.toUnsignedInt(m.get(body + 1)), Byte.toUnsignedInt(m.get(body + 3)));
    }

    /** A route of the main table (null for one of another table or type: local, broadcast, multicast). */
    static Route route(ByteBuffer m, int body, int end) {
        Map<Integer, byte[]> a = NetlinkMessage.attributes(m, body + RTMSG_SIZE, end);
        int family = Byte.toUnsignedInt(m.get(body));
        int table = a.containsKey(RTA_TABLE) ? NetlinkMessage.u32(a.get(RTA_TABLE)) : Byte.toUnsignedInt(m.get(body + 4));
        if (table != RT_TABLE_MAIN || Byte.toUnsignedInt(m.get(body + 7)) != RTN_UNICAST) {
            return null;
        }
        byte[] dst = a.getOrDefault(RTA_DST, new byte[family == AF_INET ? 4 : 16]);
        return new Route(inet(dst), Byte.toUnsignedInt(m.get(body + 1)), a.containsKey(RTA_GATEWAY) ? inet(a.get(RTA_GATEWAY)) : null,
                a.containsKey(RTA_OIF) ? NetlinkMessage.u32(a.get(RTA_OIF)) : 0, Byte.toUnsignedInt(m.get(body + 5)),
                Byte.toUnsignedInt(m.get(body + 6)));
    }

    static Neighbour neighbour(ByteBuffer m, int body, int end) {
        Map<Integer, byte[]> a = NetlinkMessage.attributes(m, body + NDMSG_SIZE, end);
        if (!a.containsKey(NDA_DST)) {
            return null;
        }
        return new Neighbour(m.getInt(body + 4), inet(a.get(NDA_DST)), a.getOrDefault(NDA_LLADDR, new byte[0]),
                Short.toUnsignedInt(m.getShort(body + 8)));
    }

    private static InetAddress inet(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("netlink address of " + (raw == null ? 0 : raw.length) + " bytes", e);
        }
    }

    // ---- the typed requests ----

    public List<Link> links() {
        return dump(dumpRequest(RTM_GETLINK, IFINFOMSG_SIZE, AF_UNSPEC), RTM_NEWLINK, NetlinkSocket::link);
    }

    public List<IfAddress> addresses() {
        return dump(dumpRequest(RTM_GETADDR, IFADDRMSG_SIZE, AF_UNSPEC), RTM_NEWADDR, NetlinkSocket::address);
    }

    public List<Route> routes() {
        return dump(dumpRequest(RTM_GETROUTE, RTMSG_SIZE, AF_UNSPEC), RTM_NEWROUTE, NetlinkSocket::route);
    }

    public List<Neighbour> neighbours() {
        return dump(dumpRequest(RTM_GETNEIGH, NDMSG_SIZE, AF_UNSPEC), RTM_NEWNEIGH, NetlinkSocket::neighbour);
    }

    public void setLink(int index, boolean up, int mtu) {
        acknowledged("RTM_NEWLINK (set link " + index + ")", setLinkRequest(index, up, mtu));
    }

    public void createLink(String name, String kind) {
        acknowledged("RTM_NEWLINK (create " + kind + " " + name + ")", createLinkRequest(name, kind));
    }

    public void setMaster(int index, int master) {
        acknowledged("RTM_NEWLINK (link " + index + " master " + master + ")", setMasterRequest(index, master));
    }

    public void addAddress(int index, java.net.Inet4Address address, int prefix) {
        acknowledged("RTM_NEWADDR (" + address.getHostAddress() + "/" + prefix + " on link " + index + ")",
                addAddressRequest(index, address, prefix));
    }

    /** The link named {@code name}, if there is one. */
    public java.util.Optional<Link> link(String name) {
        return links().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public void deleteLink(int index) {
        acknowledged("RTM_DELLINK (link " + index + ")", deleteLinkRequest(index));
    }

    public void addIngressQdisc(int index) {
        acknowledged("RTM_NEWQDISC (ingress on link " + index + ")", ingressQdisc(RTM_NEWQDISC, index));
    }

    public void deleteIngressQdisc(int index) {
        acknowledged("RTM_DELQDISC (ingress on link " + index + ")", ingressQdisc(RTM_DELQDISC, index));
    }

    public void addRedirect(int from, int to) {
        acknowledged("RTM_NEWTFILTER (u32 mirred redirect " + from + " -> " + to + ")", redirectFilter(from, to));
    }

    // ---- I/O ----

    private interface Parser<T> {
        T parse(ByteBuffer message, int body, int end);
    }

    private int send(NetlinkMessage m) {
        int s = ++seq;
        byte[] bytes = m.bytes(s);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 0, bytes.length);
            Libc.write(fd.fd(), out, bytes.length);
        }
        return s;
    }

    private ByteBuffer receive(Arena arena) {
        MemorySegment in = arena.allocate(RECEIVE_BUFFER);
        long n = Libc.read(fd.fd(), in, RECEIVE_BUFFER);
        return in.asSlice(0, n).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** What to do with one reply to our request: return true when it was the last one. */
    private interface Reply {
        boolean take(ByteBuffer datagram, int type, int message, int length);
    }

    /** Reads datagrams and hands {@code reply} each message answering request {@code s} until it says it was the last. */
    private void replies(int s, String what, Reply reply) {
        try (Arena arena = Arena.ofConfined()) {
            while (true) {
                ByteBuffer b = receive(arena);
                for (int p = 0; p + NLMSGHDR_SIZE <= b.limit(); ) {
                    int len = b.getInt(p);
                    if (len < NLMSGHDR_SIZE || p + len > b.limit()) {
                        throw new IllegalStateException(what + ": a netlink reply of length " + len + " overruns the datagram");
                    }
                    if (b.getInt(p + 8) == s) {
                        int type = Short.toUnsignedInt(b.getShort(p + 4));
                        if (type == NLMSG_ERROR && b.getInt(p + NLMSGHDR_SIZE) != 0) {
                            throw new SyscallException(what, -b.getInt(p + NLMSGHDR_SIZE));
                        }
                        if (reply.take(b, type, p, len)) {
                            return;
                        }
                    }
                    p += (len + 3) & ~3;
                }
            }
        }
    }

    private void acknowledged(String what, NetlinkMessage m) {
        replies(send(m), what, (b, type, p, len) -> type == NLMSG_ERROR);
    }

    private <T> List<T> dump(NetlinkMessage request, int type, Parser<T> parser) {
        List<T> out = new ArrayList<>();
        replies(send(request), "netlink dump of type " + type, (b, t, p, len) -> {
            if (t == type) {
                T item = parser.parse(b, p + NLMSGHDR_SIZE, p + len);
                if (item != null) {
                    out.add(item);
                }
            }
            return t == NLMSG_DONE || t == NLMSG_ERROR;
        });
        return out;
    }

    @Override
    public void close() {
        fd.close();
    }
}
