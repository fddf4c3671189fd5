/* mptcp_socket.c — MPTCP sockets: opened with a silent fallback to TCP, and looked into
 * once connected (negotiated or not, subflows with their bytes and RTT). */
#include "mptcp/mptcp_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/tcp.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "mptcp/mptcp_compat.h"

/* More subflows than the kernel's limit (8) allows. */
#define MAX_SUBFLOWS 16

int url__mptcp_socket_open(int family, int type, bool *is_mptcp)
{
    int fd = socket(family, type, IPPROTO_MPTCP);
    *is_mptcp = fd >= 0;
    if (fd >= 0 || (errno != EINVAL && errno != EPROTONOSUPPORT && errno != ENOPROTOOPT))
        return fd;
    g_debug("MPTCP unavailable (%s): plain TCP", g_strerror(errno));
    return socket(family, type, IPPROTO_TCP);
}

bool url__mptcp_is_negotiated(int fd)
{
    int value = 0;
    socklen_t length = sizeof value;
    if (getsockopt(fd, IPPROTO_TCP, TCP_IS_MPTCP, &value, &length) == 0)
        return value == 1;
    /* Kernels before 6.5: MPTCP_INFO works on an MPTCP socket and flags a fallback. */
    struct mptcp_info info;
    memset(&info, 0, sizeof info);
    length = sizeof info;
    if (getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &length) != 0)
        return false;
    return !(info.mptcpi_flags & MPTCP_INFO_FLAG_FALLBACK);
}

static void address_text(const struct sockaddr *address, char *text, size_t size, int *port)
{
    text[0] = '\0';
    *port = 0;
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)address;
        inet_ntop(AF_INET, &in->sin_addr, text, (socklen_t)size);
        *port = ntohs(in->sin_port);
    } else if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;
        inet_ntop(AF_INET6, &in6->sin6_addr, text, (socklen_t)size);
        *port = ntohs(in6->sin6_port);
    }
}

/* One MPTCP getsockopt returning an array: the header says how big each element is on
 * our side, the kernel says how many it has. */
static size_t subflow_array(int fd, int option, void *buffer, size_t element, size_t capacity)
{
    struct mptcp_subflow_data *header = buffer;
    memset(buffer, 0, sizeof *header + element * capacity);
    header->size_subflow_data = sizeof *header;
    header->size_user = (uint32_t)element;
    socklen_t length = (socklen_t)(sizeof *header + element * capacity);
    if (getsockopt(fd, SOL_MPTCP, option, buffer, &length) != 0)
        return 0;
    size_t count = header->num_subflows;
    return count < capacity ? count : capacity;
}

size_t url__mptcp_subflows(int fd, UrlMptcpSubflow *subflows, size_t capacity)
{
    if (!url__mptcp_is_negotiated(fd))
        return 0;
    size_t limit = capacity < MAX_SUBFLOWS ? capacity : MAX_SUBFLOWS;
    struct {
        struct mptcp_subflow_data header;
        struct tcp_info info[MAX_SUBFLOWS];
    } infos;
    struct {
        struct mptcp_subflow_data header;
        struct mptcp_subflow_addrs addrs[MAX_SUBFLOWS];
    } addrs;
    size_t n_info = subflow_array(fd, MPTCP_TCPINFO, &infos, sizeof(struct tcp_info), limit);
    size_t n_addr =
        subflow_array(fd, MPTCP_SUBFLOW_ADDRS, &addrs, sizeof(struct mptcp_subflow_addrs), limit);
    /* Both walk the connection's subflow list in order; a subflow that came or went
     * between the two calls makes them disagree, and then only the addresses are kept. */
    size_t count = n_addr;
    for (size_t i = 0; i < count; i++) {
        UrlMptcpSubflow *s = &subflows[i];
        memset(s, 0, sizeof *s);
        address_text(&addrs.addrs[i].sa_local, s->local, sizeof s->local, &s->local_port);
        address_text(&addrs.addrs[i].sa_remote, s->remote, sizeof s->remote, &s->remote_port);
        if (n_info == n_addr) {
            const struct tcp_info *info = &infos.info[i];
            s->bytes_sent = (int64_t)info->tcpi_bytes_acked;
            s->bytes_received = (int64_t)info->tcpi_bytes_received;
            s->rtt = info->tcpi_rtt / 1e6;
            s->retransmits = info->tcpi_retransmits;
            s->total_retrans = info->tcpi_total_retrans;
            s->backoff = info->tcpi_backoff;
            s->established = info->tcpi_state == 1; /* TCP_ESTABLISHED */
        }
    }
    return count;
}
