/* link_state.c — rtnetlink dumps of links, addresses and routes, reduced to the facts
 * a path needs. */
#include "path/link_state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* RFC 8781 PREF64 option type in a router advertisement. */
#define ND_OPT_PREF64 38
/* A dump reads at most this many datagrams: far beyond any host's tables, and a bound. */
#define MAX_DUMP_DATAGRAMS 4096

static UrlLink *link_for(UrlLinkState *state, int index)
{
    for (guint i = 0; i < state->links->len; i++) {
        UrlLink *link = &g_array_index(state->links, UrlLink, i);
        if (link->index == index)
            return link;
    }
    return NULL;
}

static void on_link(UrlLinkState *state, struct nlmsghdr *h)
{
    struct ifinfomsg *info = NLMSG_DATA(h);
    UrlLink link;
    memset(&link, 0, sizeof link); /* states compare with memcmp: no stray padding */
    link.index = info->ifi_index;
    link.flags = info->ifi_flags;
    int length = (int)IFLA_PAYLOAD(h);
    for (struct rtattr *a = IFLA_RTA(info); RTA_OK(a, length); a = RTA_NEXT(a, length))
        if (a->rta_type == IFLA_IFNAME)
            g_strlcpy(link.name, RTA_DATA(a), sizeof link.name);
    g_array_append_val(state->links, link);
}

static void on_address(UrlLinkState *state, struct nlmsghdr *h)
{
    struct ifaddrmsg *info = NLMSG_DATA(h);
    if (info->ifa_family != AF_INET && info->ifa_family != AF_INET6)
        return;
    UrlLinkAddress address;
    memset(&address, 0, sizeof address);
    address.index = (int)info->ifa_index;
    address.family = info->ifa_family;
    bool found = false;
    int length = (int)IFA_PAYLOAD(h);
    for (struct rtattr *a = IFA_RTA(info); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
        /* IFA_LOCAL is the address on point-to-point links, IFA_ADDRESS the peer there. */
        if (a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS && !found)) {
            memcpy(address.bytes, RTA_DATA(a), info->ifa_family == AF_INET ? 4 : 16);
            found = true;
        }
    }
    UrlLink *link = link_for(state, address.index);
    if (!found || link == NULL)
        return;
    g_array_append_val(state->addresses, address);
    /* Tentative addresses (DAD running) cannot be used yet. */
    if (info->ifa_flags & IFA_F_TENTATIVE)
        return;
    if (info->ifa_family == AF_INET)
        link->has_ipv4 = true;
    else if (info->ifa_scope != RT_SCOPE_LINK && info->ifa_scope != RT_SCOPE_HOST)
        link->has_ipv6 = true;
}

static void on_route(UrlLinkState *state, struct nlmsghdr *h)
{
    struct rtmsg *info = NLMSG_DATA(h);
    if (info->rtm_dst_len != 0 || info->rtm_type != RTN_UNICAST)
        return;
    unsigned table = info->rtm_table;
    int oif = 0;
    int length = (int)RTM_PAYLOAD(h);
    for (struct rtattr *a = RTM_RTA(info); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
        if (a->rta_type == RTA_TABLE)
            table = *(unsigned *)RTA_DATA(a);
        else if (a->rta_type == RTA_OIF)
            oif = *(int *)RTA_DATA(a);
    }
    UrlLink *link = table == RT_TABLE_MAIN ? link_for(state, oif) : NULL;
    if (link == NULL)
        return;
    if (info->rtm_family == AF_INET)
        link->default_v4 = true;
    else if (info->rtm_family == AF_INET6)
        link->default_v6 = true;
}

static bool dump(int fd, int type, UrlLinkState *state)
{
    struct {
        struct nlmsghdr header;
        struct rtgenmsg body;
    } request = {
        .header = {.nlmsg_len = sizeof request,
                   .nlmsg_type = (unsigned short)type,
                   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                   .nlmsg_seq = (unsigned)type},
        .body = {.rtgen_family = AF_UNSPEC},
    };
    if (send(fd, &request, sizeof request, 0) < 0)
        return false;
    static char buffer[32768] __attribute__((aligned(4)));
    for (int datagrams = 0; datagrams < MAX_DUMP_DATAGRAMS; datagrams++) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != (unsigned)type)
                continue;
            if (h->nlmsg_type == NLMSG_DONE)
                return true;
            if (h->nlmsg_type == NLMSG_ERROR)
                return false;
            if (h->nlmsg_type == RTM_NEWLINK)
                on_link(state, h);
            else if (h->nlmsg_type == RTM_NEWADDR)
                on_address(state, h);
            else if (h->nlmsg_type == RTM_NEWROUTE)
                on_route(state, h);
        }
    }
    return false;
}

UrlLinkState *url__link_state_dump(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        g_debug("rtnetlink: %s", g_strerror(errno));
        return NULL;
    }
    /* The kernel answers a dump from memory at once; the timeout only bounds a kernel
     * that does not. */
    struct timeval timeout = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    UrlLinkState *state = g_new0(UrlLinkState, 1);
    state->links = g_array_new(FALSE, TRUE, sizeof(UrlLink));
    state->addresses = g_array_new(FALSE, TRUE, sizeof(UrlLinkAddress));
    /* Links first: addresses and routes are attached to them. The dump buffer is static:
     * dumps run on the network thread only (and in tests, on one thread). */
    bool ok = dump(fd, RTM_GETLINK, state) && dump(fd, RTM_GETADDR, state) &&
              dump(fd, RTM_GETROUTE, state);
    close(fd);
    if (!ok) {
        g_debug("rtnetlink dump failed: %s", g_strerror(errno));
        url__link_state_free(state);
        return NULL;
    }
    return state;
}

void url__link_state_free(UrlLinkState *state)
{
    if (state == NULL)
        return;
    g_array_free(state->links, TRUE);
    g_array_free(state->addresses, TRUE);
    g_free(state);
}

bool url__link_state_equal(const UrlLinkState *a, const UrlLinkState *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return a->links->len == b->links->len && a->addresses->len == b->addresses->len &&
           memcmp(a->links->data, b->links->data, a->links->len * sizeof(UrlLink)) == 0 &&
           memcmp(a->addresses->data, b->addresses->data,
                  a->addresses->len * sizeof(UrlLinkAddress)) == 0;
}

const UrlLink *url__link_state_find_index(const UrlLinkState *state, int index)
{
    return state ? link_for((UrlLinkState *)state, index) : NULL;
}

const UrlLink *url__link_state_find_address(const UrlLinkState *state, const char *address)
{
    unsigned char bytes[16];
    int family = strchr(address, ':') ? AF_INET6 : AF_INET;
    if (state == NULL || inet_pton(family, address, bytes) != 1)
        return NULL;
    /* An IPv4-mapped IPv6 address is the IPv4 one. */
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (family == AF_INET6 && memcmp(bytes, mapped, 12) == 0) {
        memmove(bytes, bytes + 12, 4);
        family = AF_INET;
    }
    for (guint i = 0; i < state->addresses->len; i++) {
        const UrlLinkAddress *a = &g_array_index(state->addresses, UrlLinkAddress, i);
        if (a->family == family && memcmp(a->bytes, bytes, family == AF_INET ? 4 : 16) == 0)
            return url__link_state_find_index(state, a->index);
    }
    return NULL;
}

bool url__link_state_address_of(const UrlLinkState *state, int index, int family, char *text)
{
    for (guint i = 0; state && i < state->addresses->len; i++) {
        const UrlLinkAddress *a = &g_array_index(state->addresses, UrlLinkAddress, i);
        if (a->index != index || a->family != family)
            continue;
        if (family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80)
            continue;
        return inet_ntop(family, a->bytes, text, 48) != NULL;
    }
    return false;
}

bool url__link_is_usable(const UrlLink *link)
{
    unsigned needed = IFF_UP | IFF_RUNNING;
    return (link->flags & needed) == needed && !(link->flags & IFF_LOOPBACK) &&
           (link->has_ipv4 || link->has_ipv6);
}

/* RFC 8781 §4: the Prefix Length Code, the low 3 bits of the option's second 16-bit word;
 * 6 and 7 are reserved. */
static int pref64_length(unsigned code)
{
    static const int lengths[] = {96, 64, 56, 48, 40, 32};
    return code < G_N_ELEMENTS(lengths) ? lengths[code] : 0;
}

static bool read_pref64(const unsigned char *option, UrlPref64 *pref64)
{
    /* Type, length (2: 16 bytes), scaled lifetime (13 bits) | PLC (3 bits), 96 bits of
     * prefix. */
    if (option[1] != 2)
        return false;
    unsigned word = (unsigned)option[2] << 8 | option[3];
    int length = pref64_length(word & 7);
    if (length == 0)
        return false;
    memset(pref64->prefix, 0, sizeof pref64->prefix);
    memcpy(pref64->prefix, option + 4, (size_t)length / 8);
    pref64->length = length;
    pref64->lifetime = (word >> 3) * 8;
    return true;
}

bool url__link_nduseropt_pref64(const void *message, size_t length, UrlPref64 *pref64)
{
    const struct nlmsghdr *h = message;
    if (length < sizeof *h || h->nlmsg_len > length || h->nlmsg_type != RTM_NEWNDUSEROPT ||
        h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nduseroptmsg)))
        return false;
    const struct nduseroptmsg *info = NLMSG_DATA(h);
    size_t room = h->nlmsg_len - NLMSG_LENGTH(sizeof *info);
    size_t options = info->nduseropt_opts_len;
    if (info->nduseropt_icmp_type != ND_ROUTER_ADVERT || options > room)
        return false;
    const unsigned char *p = (const unsigned char *)(info + 1);
    /* ND options: type, length in units of 8 bytes (0 is invalid), body. */
    for (size_t at = 0; at + 2 <= options;) {
        size_t size = (size_t)p[at + 1] * 8;
        if (size == 0 || at + size > options)
            return false;
        if (p[at] == ND_OPT_PREF64 && read_pref64(p + at, pref64)) {
            pref64->index = info->nduseropt_ifindex;
            return true;
        }
        at += size;
    }
    return false;
}
