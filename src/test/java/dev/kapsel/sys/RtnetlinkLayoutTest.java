package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every constant and struct size of {@link Rtnetlink} against the kernel headers, compiled with gcc. */
class RtnetlinkLayoutTest {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <sys/socket.h>
            #include <net/if.h>
            #include <net/if_arp.h>
            #include <linux/if_ether.h>
            #include <linux/netlink.h>
            #include <linux/rtnetlink.h>
            #include <linux/if_link.h>
            #include <linux/if_addr.h>
            #include <linux/neighbour.h>
            #include <linux/pkt_sched.h>
            #include <linux/pkt_cls.h>
            #include <linux/tc_act/tc_mirred.h>
            #define V(name) printf("%s=%lu\\n", #name, (unsigned long)(unsigned int)(name))
            #define S(name, type) printf("%s=%lu\\n", name, (unsigned long)sizeof(type))
            int main(void) {
              V(AF_UNSPEC); V(AF_INET); V(AF_INET6); V(AF_NETLINK); V(SOCK_RAW); V(NETLINK_ROUTE);
              S("NLMSGHDR_SIZE", struct nlmsghdr); S("NLMSGERR_SIZE", struct nlmsgerr); V(NLA_HDRLEN); V(NLA_F_NESTED);
              V(NLMSG_ERROR); V(NLMSG_MIN_TYPE); V(NLMSG_DONE); V(NLM_F_REQUEST); V(NLM_F_MULTI); V(NLM_F_ACK); V(NLM_F_ROOT); V(NLM_F_MATCH);
              V(NLM_F_DUMP); V(NLM_F_EXCL); V(NLM_F_CREATE);
              V(RTM_NEWLINK); V(RTM_DELLINK); V(RTM_GETLINK); V(RTM_NEWADDR); V(RTM_GETADDR); V(RTM_NEWROUTE); V(RTM_GETROUTE);
              V(RTM_NEWNEIGH); V(RTM_GETNEIGH); V(RTM_NEWQDISC); V(RTM_DELQDISC); V(RTM_NEWTFILTER); V(RTM_GETTFILTER);
              S("IFINFOMSG_SIZE", struct ifinfomsg); V(IFLA_ADDRESS); V(IFLA_BROADCAST); V(IFLA_IFNAME); V(IFLA_MTU); V(IFLA_MASTER); V(IFLA_TXQLEN); V(IFLA_LINKINFO); V(IFLA_INFO_KIND);
              V(IFF_UP); V(IFF_LOOPBACK); V(ARPHRD_ETHER);
              S("IFADDRMSG_SIZE", struct ifaddrmsg); V(IFA_ADDRESS); V(IFA_LOCAL); V(IFA_LABEL); V(IFA_F_PERMANENT);
              S("RTMSG_SIZE", struct rtmsg); V(RTA_DST); V(RTA_OIF); V(RTA_GATEWAY); V(RTA_TABLE); V(RT_TABLE_MAIN);
              V(RTPROT_KERNEL); V(RTN_UNICAST); V(RT_SCOPE_UNIVERSE); V(RT_SCOPE_LINK);
              S("NDMSG_SIZE", struct ndmsg); V(NDA_DST); V(NDA_LLADDR); V(NUD_PERMANENT);
              S("TCMSG_SIZE", struct tcmsg); V(TCA_KIND); V(TCA_OPTIONS); V(TC_H_INGRESS);
              printf("TC_H_INGRESS_HANDLE=%lu\\n", (unsigned long)TC_H_MAKE(TC_H_INGRESS, 0)); V(ETH_P_ALL);
              S("TC_U32_SEL_SIZE", struct tc_u32_sel); S("TC_U32_KEY_SIZE", struct tc_u32_key); V(TCA_U32_SEL); V(TCA_U32_ACT);
              V(TC_U32_TERMINAL);
              V(TCA_ACT_TAB); V(TCA_ACT_KIND); V(TCA_ACT_OPTIONS); V(TCA_MIRRED_PARMS); S("TC_MIRRED_SIZE", struct tc_mirred);
              V(TC_ACT_STOLEN); V(TCA_EGRESS_REDIR);
              return 0;
            }
            """;

    @Test
    void everyConstantAndStructSizeMatchesTheKernelHeaders(@TempDir Path dir) throws Exception {
        java.util.Map<String, Long> printed = new java.util.HashMap<>(CProgram.printedValues(SOURCE, dir));
        // ints printed unsigned: give the Java side's negative ones the same 32-bit reading
        printed.replaceAll((k, v) -> v > Integer.MAX_VALUE ? (long) (int) (long) v : v);
        assertTrue(CProgram.assertConstantsMatch(printed, Rtnetlink.class) > 60);
    }
}
