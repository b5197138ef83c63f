/* getifaddrs(3) (glibc's, over NETLINK_ROUTE) in the sandbox: prints each interface's IPv4 address as
 *   IF name address/prefix
 * and checks what the sandbox must refuse: changing a link (EPERM) and event groups (EPERM). */
#define _GNU_SOURCE
#include "check.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void) {
    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0, "getifaddrs");
    int links = 0;
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_PACKET) links++;
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &((struct sockaddr_in *) i->ifa_addr)->sin_addr, a, sizeof a);
        int prefix = __builtin_popcount(((struct sockaddr_in *) i->ifa_netmask)->sin_addr.s_addr);
        printf("IF %s %s/%d%s\n", i->ifa_name, a, prefix, (i->ifa_flags & IFF_UP) ? " up" : "");
    }
    CHECK(links >= 1, "getifaddrs lists links (AF_PACKET entries from RTM_GETLINK)");
    freeifaddrs(list);

    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(s >= 0, "NETLINK_ROUTE socket");
    struct sockaddr_nl groups = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    CHECK(bind(s, (struct sockaddr *) &groups, sizeof groups) < 0 && errno == EPERM, "event groups are refused");
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
    } req = {.h = {.nlmsg_len = sizeof req, .nlmsg_type = RTM_NEWLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 7},
             .i = {.ifi_index = 1, .ifi_flags = 0, .ifi_change = IFF_UP}};
    CHECK(send(s, &req, sizeof req, 0) == sizeof req, "send RTM_NEWLINK (set lo down)");
    char buf[4096];
    ssize_t n = recv(s, buf, sizeof buf, 0);
    struct nlmsghdr *h = (struct nlmsghdr *) buf;
    CHECK(n >= (ssize_t) NLMSG_LENGTH(sizeof(struct nlmsgerr)) && h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == 7
          && ((struct nlmsgerr *) NLMSG_DATA(h))->error == -EPERM, "changing a link fails with EPERM");
    close(s);
    CHECK(socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER) < 0 && errno == EPROTONOSUPPORT, "other netlink families are not offered");
    CHECK(socket(AF_PACKET, SOCK_RAW, 0) < 0, "no packet sockets");
    return done();
}
