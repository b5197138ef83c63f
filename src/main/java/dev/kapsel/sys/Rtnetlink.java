package dev.kapsel.sys;

/**
 * The rtnetlink ABI kapsel speaks ({@code rtnetlink(7)}, linux/netlink.h, rtnetlink.h, if_link.h,
 * if_addr.h, neighbour.h, pkt_sched.h, pkt_cls.h, tc_act/tc_mirred.h): message types, flags,
 * attribute numbers and the sizes of the fixed headers, under their C names. Each is checked against
 * the headers by {@code RtnetlinkLayoutTest}.
 */
public final class Rtnetlink {
    private Rtnetlink() {}

    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int NETLINK_ROUTE = 0;

    /** struct nlmsghdr: u32 len, u16 type, u16 flags, u32 seq, u32 pid. */
    public static final int NLMSGHDR_SIZE = 16;
    /** struct nlmsgerr: int error, then the request's header. */
    public static final int NLMSGERR_SIZE = 20;
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_F_NESTED = 0x8000;

    public static final int NLMSG_ERROR = 2;
    /** Types below this are netlink's own control messages (NOOP, ERROR, DONE, OVERRUN), not rtnetlink requests. */
    public static final int NLMSG_MIN_TYPE = 0x10;
    public static final int NLMSG_DONE = 3;
    public static final int NLM_F_REQUEST = 0x01;
    public static final int NLM_F_MULTI = 0x02;
    public static final int NLM_F_ACK = 0x04;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;

    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_GETNEIGH = 30;
    public static final int RTM_NEWQDISC = 36;
    public static final int RTM_DELQDISC = 37;
    public static final int RTM_NEWTFILTER = 44;
    public static final int RTM_GETTFILTER = 46;

    /** struct ifinfomsg: u8 family, pad, u16 type, int index, u32 flags, u32 change. */
    public static final int IFINFOMSG_SIZE = 16;
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_BROADCAST = 2;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_MASTER = 10;
    public static final int IFLA_TXQLEN = 13;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int ARPHRD_ETHER = 1;

    /** struct ifaddrmsg: u8 family, prefixlen, flags, scope, u32 index. */
    public static final int IFADDRMSG_SIZE = 8;
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;
    public static final int IFA_F_PERMANENT = 0x80;

    /** struct rtmsg: u8 family, dst_len, src_len, tos, table, protocol, scope, type, u32 flags. */
    public static final int RTMSG_SIZE = 12;
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_TABLE = 15;
    public static final int RT_TABLE_MAIN = 254;
    public static final int RTPROT_KERNEL = 2;
    public static final int RTN_UNICAST = 1;
    public static final int RT_SCOPE_UNIVERSE = 0;
    public static final int RT_SCOPE_LINK = 253;

    /** struct ndmsg: u8 family, pad, u16 pad, int ifindex, u16 state, u8 flags, u8 type. */
    public static final int NDMSG_SIZE = 12;
    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;
    public static final int NUD_PERMANENT = 0x80;

    /** struct tcmsg: u8 family, pad, u16 pad, int ifindex, u32 handle, u32 parent, u32 info. */
    public static final int TCMSG_SIZE = 20;
    public static final int TCA_KIND = 1;
    public static final int TCA_OPTIONS = 2;
    /** TC_H_INGRESS: the ingress qdisc's parent; its own handle is ffff: (TC_H_MAKE(TC_H_INGRESS, 0)). */
    public static final int TC_H_INGRESS = 0xfffffff1;
    public static final int TC_H_INGRESS_HANDLE = 0xffff0000;
    public static final int ETH_P_ALL = 0x0003;

    /** u32 classifier: struct tc_u32_sel (without its keys) and one struct tc_u32_key. */
    public static final int TC_U32_SEL_SIZE = 16;
    public static final int TC_U32_KEY_SIZE = 16;
    public static final int TCA_U32_SEL = 5;
    public static final int TCA_U32_ACT = 7;
    public static final int TC_U32_TERMINAL = 1;

    /** Actions: TCA_ACT_TAB entries of kind "mirred" with a struct tc_mirred (tc_gen, eaction, ifindex). */
    public static final int TCA_ACT_TAB = 1;
    public static final int TCA_ACT_KIND = 1;
    public static final int TCA_ACT_OPTIONS = 2;
    public static final int TCA_MIRRED_PARMS = 2;
    public static final int TC_MIRRED_SIZE = 28;
    public static final int TC_ACT_STOLEN = 4;
    public static final int TCA_EGRESS_REDIR = 1;
}
