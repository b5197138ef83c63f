/*
 * The guest's network configuration (docs/agent-protocol.md, NETWORK): the payload decoded with the
 * bounded reader, then applied with the agent's own small rtnetlink client (rtnetlink(7)): loopback
 * up, each NIC (found by its MAC) up with its MTU, its addresses, its routes (on-link ones first, as
 * the host sends them) and its permanent neighbours. Values are all checked and every NIC found
 * before anything changes.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* ---- decoding ---- */

static int rd_address(struct reader *r, struct net_addr *a, char *msg, size_t msgcap)
{
    uint8_t family = rd_u8(r);
    if (!r->ok)
        return 0;
    if (family != 4 && family != 6) {
        snprintf(msg, msgcap, "NETWORK address family %u (4 or 6)", family);
        return 0;
    }
    a->family = family == 4 ? AF_INET : AF_INET6;
    size_t n = family == 4 ? 4 : 16;
    if (r->len - r->pos < n) {
        r->ok = 0;
        return 0;
    }
    memcpy(a->bytes, r->p + r->pos, n);
    r->pos += n;
    return 1;
}

static void rd_bytes(struct reader *r, uint8_t *out, size_t n)
{
    if (!r->ok || r->len - r->pos < n) {
        r->ok = 0;
        return;
    }
    memcpy(out, r->p + r->pos, n);
    r->pos += n;
}

/* A count bounded by NET_MAX_ENTRIES; 0 and a message when it is larger. */
static int rd_count(struct reader *r, uint32_t max, const char *what, uint32_t *n, char *msg, size_t msgcap)
{
    *n = rd_u32(r);
    if (!r->ok)
        return 0;
    if (*n > max) {
        snprintf(msg, msgcap, "NETWORK payload has %u %s, more than %u", *n, what, max);
        return 0;
    }
    return 1;
}

int net_decode(const uint8_t *p, size_t len, struct net_config *cfg, char *msg, size_t msgcap)
{
    struct reader r;
    rd_init(&r, p, len);
    memset(cfg, 0, sizeof *cfg);
    snprintf(msg, msgcap, "NETWORK payload is truncated");
    if (!rd_count(&r, NET_MAX_INTERFACES, "interfaces", &cfg->n, msg, msgcap))
        return E_MALFORMED;
    for (uint32_t i = 0; i < cfg->n; i++) {
        struct net_iface *f = &cfg->ifaces[i];
        rd_bytes(&r, f->mac, 6);
        f->mtu = rd_u32(&r);
        if (!rd_count(&r, NET_MAX_ENTRIES, "addresses", &f->naddrs, msg, msgcap))
            return E_MALFORMED;
        for (uint32_t k = 0; k < f->naddrs; k++) {
            if (!rd_address(&r, &f->addrs[k].addr, msg, msgcap))
                return E_MALFORMED;
            f->addrs[k].prefix = rd_u8(&r);
        }
        if (!rd_count(&r, NET_MAX_ENTRIES, "routes", &f->nroutes, msg, msgcap))
            return E_MALFORMED;
        for (uint32_t k = 0; k < f->nroutes; k++) {
            struct net_route *rt = &f->routes[k];
            if (!rd_address(&r, &rt->dst.addr, msg, msgcap))
                return E_MALFORMED;
            rt->dst.prefix = rd_u8(&r);
            uint8_t gw = rd_u8(&r);
            if (r.ok && gw > 1) {
                snprintf(msg, msgcap, "NETWORK route gateway flag %u (0 or 1)", gw);
                return E_MALFORMED;
            }
            rt->has_gateway = gw;
            if (gw) {
                rt->gateway.family = rt->dst.addr.family;
                rd_bytes(&r, rt->gateway.bytes, rt->dst.addr.family == AF_INET ? 4 : 16);
            }
        }
        if (!rd_count(&r, NET_MAX_ENTRIES, "neighbours", &f->nneighs, msg, msgcap))
            return E_MALFORMED;
        for (uint32_t k = 0; k < f->nneighs; k++) {
            if (!rd_address(&r, &f->neighs[k].addr, msg, msgcap))
                return E_MALFORMED;
            rd_bytes(&r, f->neighs[k].lladdr, 6);
        }
        if (!r.ok)
            return E_MALFORMED;
    }
    if (!rd_done(&r)) {
        if (r.ok)
            snprintf(msg, msgcap, "NETWORK payload has %zu trailing bytes", r.len - r.pos);
        return E_MALFORMED;
    }
    msg[0] = 0;
    return 0;
}

/* ---- rtnetlink ---- */

/* One request: a header and what follows, in one byte array (attributes are appended by offset). */
struct nlreq {
    _Alignas(struct nlmsghdr) uint8_t raw[512];
};
#define HDR(q) ((struct nlmsghdr *)(q)->raw)

static void nl_init(struct nlreq *q, uint16_t type, uint16_t flags, const void *family, size_t n)
{
    memset(q, 0, sizeof *q);
    HDR(q)->nlmsg_len = (uint32_t)NLMSG_LENGTH(n);
    HDR(q)->nlmsg_type = type;
    HDR(q)->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
    memcpy(NLMSG_DATA(HDR(q)), family, n);
}

static void nl_attr(struct nlreq *q, uint16_t type, const void *value, size_t n)
{
    struct rtattr *a = (struct rtattr *)(q->raw + NLMSG_ALIGN(HDR(q)->nlmsg_len));
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(n);
    memcpy(RTA_DATA(a), value, n);
    HDR(q)->nlmsg_len = (uint32_t)(NLMSG_ALIGN(HDR(q)->nlmsg_len) + RTA_ALIGN(a->rta_len));
}

static uint32_t nl_seq;

/* Sends one request and waits for its acknowledgement: 0 or the kernel's errno. */
static int nl_talk(int fd, struct nlreq *q)
{
    HDR(q)->nlmsg_seq = ++nl_seq;
    if (send(fd, HDR(q), HDR(q)->nlmsg_len, 0) < 0)
        return errno;
    _Alignas(struct nlmsghdr) uint8_t in[8192];
    for (;;) {
        ssize_t n = recv(fd, in, sizeof in, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        size_t left = (size_t)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)in; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_seq != HDR(q)->nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
                continue;
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                return EPROTO;
            return -((struct nlmsgerr *)NLMSG_DATA(h))->error;
        }
    }
}

static int link_up(int fd, int index, uint32_t mtu)
{
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
    struct nlreq q;
    nl_init(&q, RTM_NEWLINK, 0, &ifi, sizeof ifi);
    if (mtu)
        nl_attr(&q, IFLA_MTU, &mtu, sizeof mtu);
    return nl_talk(fd, &q);
}

static size_t addr_len(const struct net_addr *a)
{
    return a->family == AF_INET ? 4 : 16;
}

static int add_address(int fd, int index, const struct net_prefix *p)
{
    /* IFA_F_NODAD: the engine chose the address for this NIC alone; waiting for duplicate detection
     * would only delay the container's first IPv6 packets. */
    struct ifaddrmsg ifa = {.ifa_family = p->addr.family, .ifa_prefixlen = p->prefix,
                            .ifa_flags = p->addr.family == AF_INET6 ? IFA_F_NODAD : 0, .ifa_index = (uint32_t)index};
    struct nlreq q;
    nl_init(&q, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &ifa, sizeof ifa);
    nl_attr(&q, IFA_LOCAL, p->addr.bytes, addr_len(&p->addr));
    nl_attr(&q, IFA_ADDRESS, p->addr.bytes, addr_len(&p->addr));
    return nl_talk(fd, &q);
}

static int add_route(int fd, int index, const struct net_route *r)
{
    struct rtmsg rtm = {.rtm_family = r->dst.addr.family, .rtm_dst_len = r->dst.prefix, .rtm_table = RT_TABLE_MAIN,
                        .rtm_protocol = RTPROT_BOOT, .rtm_scope = r->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
                        .rtm_type = RTN_UNICAST};
    struct nlreq q;
    uint32_t oif = (uint32_t)index;
    nl_init(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rtm, sizeof rtm);
    if (r->dst.prefix)
        nl_attr(&q, RTA_DST, r->dst.addr.bytes, addr_len(&r->dst.addr));
    if (r->has_gateway)
        nl_attr(&q, RTA_GATEWAY, r->gateway.bytes, addr_len(&r->gateway));
    nl_attr(&q, RTA_OIF, &oif, sizeof oif);
    return nl_talk(fd, &q);
}

static int add_neighbour(int fd, int index, const struct net_neigh *n)
{
    struct ndmsg ndm = {.ndm_family = n->addr.family, .ndm_ifindex = index, .ndm_state = NUD_PERMANENT};
    struct nlreq q;
    nl_init(&q, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &ndm, sizeof ndm);
    nl_attr(&q, NDA_DST, n->addr.bytes, addr_len(&n->addr));
    nl_attr(&q, NDA_LLADDR, n->lladdr, 6);
    return nl_talk(fd, &q);
}

/* The index of the link with this MAC, from an RTM_GETLINK dump; 0 when none has it, -errno on failure. */
static int find_link(int fd, const uint8_t mac[6])
{
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
    struct nlreq q;
    nl_init(&q, RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof ifi);
    HDR(&q)->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    HDR(&q)->nlmsg_seq = ++nl_seq;
    if (send(fd, HDR(&q), HDR(&q)->nlmsg_len, 0) < 0)
        return -errno;
    int found = 0;
    static _Alignas(struct nlmsghdr) uint8_t in[32768];
    for (;;) {
        ssize_t n = recv(fd, in, sizeof in, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        size_t left = (size_t)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)in; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_seq != HDR(&q)->nlmsg_seq)
                continue;
            if (h->nlmsg_type == NLMSG_DONE)
                return found;
            if (h->nlmsg_type == NLMSG_ERROR)
                return -EPROTO;
            if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                continue;
            struct ifinfomsg *link = NLMSG_DATA(h);
            size_t alen = h->nlmsg_len - NLMSG_LENGTH(sizeof *link);
            for (struct rtattr *a = IFLA_RTA(link); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6 && memcmp(RTA_DATA(a), mac, 6) == 0 && !found)
                    found = link->ifi_index;
            }
        }
    }
}

static const char *text(const struct net_addr *a, char *out, size_t cap)
{
    return inet_ntop(a->family, a->bytes, out, (socklen_t)cap) ? out : "?";
}

static int check_values(const struct net_config *cfg, char *msg, size_t msgcap)
{
    for (uint32_t i = 0; i < cfg->n; i++) {
        const struct net_iface *f = &cfg->ifaces[i];
        if (f->mtu < NET_MIN_MTU || f->mtu > NET_MAX_MTU) {
            snprintf(msg, msgcap, "interface %u: mtu %u is outside %d..%d", i, f->mtu, NET_MIN_MTU, NET_MAX_MTU);
            return E_INVALID_ARGUMENT;
        }
        for (uint32_t k = 0; k < f->naddrs + f->nroutes; k++) {
            const struct net_prefix *p = k < f->naddrs ? &f->addrs[k] : &f->routes[k - f->naddrs].dst;
            if (p->prefix > (p->addr.family == AF_INET ? 32 : 128)) {
                snprintf(msg, msgcap, "interface %u: prefix /%u is too long for its address", i, p->prefix);
                return E_INVALID_ARGUMENT;
            }
        }
    }
    return 0;
}

int net_apply(const struct net_config *cfg, char *msg, size_t msgcap)
{
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    int rc = check_values(cfg, msg, msgcap);
    if (rc)
        return rc;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        snprintf(msg, msgcap, "cannot open a netlink socket: %s", strerror(errno));
        return E_INTERNAL;
    }
    int index[NET_MAX_INTERFACES];
    for (uint32_t i = 0; i < cfg->n; i++) {
        const uint8_t *m = cfg->ifaces[i].mac;
        index[i] = find_link(fd, m);
        if (index[i] <= 0) {
            if (index[i] < 0)
                snprintf(msg, msgcap, "cannot list the guest's links: %s", strerror(-index[i]));
            else
                snprintf(msg, msgcap, "the guest has no network interface with MAC %02x:%02x:%02x:%02x:%02x:%02x", m[0],
                         m[1], m[2], m[3], m[4], m[5]);
            close(fd);
            return index[i] < 0 ? E_INTERNAL : E_INVALID_ARGUMENT;
        }
    }
    int err = 0;
    unsigned lo = if_nametoindex("lo");
    if (lo && (err = link_up(fd, (int)lo, 0)) != 0)
        snprintf(msg, msgcap, "cannot bring lo up: %s", strerror(err));
    for (uint32_t i = 0; i < cfg->n && !err; i++) {
        const struct net_iface *f = &cfg->ifaces[i];
        char name[IF_NAMESIZE] = "?";
        if_indextoname((unsigned)index[i], name);
        if ((err = link_up(fd, index[i], f->mtu)) != 0) {
            snprintf(msg, msgcap, "cannot bring %s up with mtu %u: %s", name, f->mtu, strerror(err));
            break;
        }
        for (uint32_t k = 0; k < f->naddrs && !err; k++)
            if ((err = add_address(fd, index[i], &f->addrs[k])) != 0)
                snprintf(msg, msgcap, "cannot add address %s/%u to %s: %s", text(&f->addrs[k].addr, a, sizeof a),
                         f->addrs[k].prefix, name, strerror(err));
        for (uint32_t k = 0; k < f->nroutes && !err; k++) {
            const struct net_route *r = &f->routes[k];
            if ((err = add_route(fd, index[i], r)) != 0)
                snprintf(msg, msgcap, "cannot add route %s/%u%s%s on %s: %s", text(&r->dst.addr, a, sizeof a), r->dst.prefix,
                         r->has_gateway ? " via " : "", r->has_gateway ? text(&r->gateway, b, sizeof b) : "", name,
                         strerror(err));
        }
        for (uint32_t k = 0; k < f->nneighs && !err; k++)
            if ((err = add_neighbour(fd, index[i], &f->neighs[k])) != 0)
                snprintf(msg, msgcap, "cannot add neighbour %s on %s: %s", text(&f->neighs[k].addr, a, sizeof a), name,
                         strerror(err));
    }
    close(fd);
    return err ? E_INTERNAL : 0;
}
