/* pm_netlink.c — the "mptcp_pm" generic netlink family, spoken directly.
 *
 * Each request goes out on a socket of its own and its acknowledgement is read at once:
 * the kernel answers path-manager requests from memory (creating a subflow only starts
 * its handshake), so the network thread does not stall. */
#include "mptcp/pm_netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mptcp/mptcp_compat.h"

#define BUFFER_BYTES 8192
/* A dump reads at most this many datagrams (endpoints are at most 8 per namespace). */
#define MAX_DATAGRAMS 64

typedef struct {
    char data[BUFFER_BYTES] __attribute__((aligned(4)));
    size_t length;
} Message;

static void put_attribute(Message *m, uint16_t type, const void *data, size_t length)
{
    struct nlattr *a = (struct nlattr *)(m->data + m->length);
    a->nla_type = type;
    a->nla_len = (uint16_t)(NLA_HDRLEN + length);
    if (length)
        memcpy((char *)a + NLA_HDRLEN, data, length);
    m->length += NLA_ALIGN(a->nla_len);
}

static size_t begin_nested(Message *m, uint16_t type)
{
    size_t at = m->length;
    put_attribute(m, type | NLA_F_NESTED, NULL, 0);
    return at;
}

static void end_nested(Message *m, size_t at)
{
    struct nlattr *a = (struct nlattr *)(m->data + at);
    a->nla_len = (uint16_t)(m->length - at);
}

static void put_address(Message *m, uint16_t type, const UrlPmAddress *address)
{
    size_t nest = begin_nested(m, type);
    uint16_t family = (uint16_t)address->family;
    if (family != AF_UNSPEC)
        put_attribute(m, MPTCP_PM_ADDR_ATTR_FAMILY, &family, sizeof family);
    /* AF_UNSPEC: the endpoint is named by its id alone. */
    if (address->family == AF_INET)
        put_attribute(m, MPTCP_PM_ADDR_ATTR_ADDR4, &address->address.v4, 4);
    else if (address->family == AF_INET6)
        put_attribute(m, MPTCP_PM_ADDR_ATTR_ADDR6, &address->address.v6, 16);
    if (address->port) {
        uint16_t port = address->port;
        put_attribute(m, MPTCP_PM_ADDR_ATTR_PORT, &port, sizeof port);
    }
    if (address->id)
        put_attribute(m, MPTCP_PM_ADDR_ATTR_ID, &address->id, 1);
    if (address->flags)
        put_attribute(m, MPTCP_PM_ADDR_ATTR_FLAGS, &address->flags, 4);
    if (address->ifindex) {
        int32_t ifindex = address->ifindex;
        put_attribute(m, MPTCP_PM_ADDR_ATTR_IF_IDX, &ifindex, 4);
    }
    end_nested(m, nest);
}

static void begin_message(Message *m, uint16_t family, uint8_t command, uint16_t flags)
{
    memset(m, 0, sizeof *m);
    struct nlmsghdr *h = (struct nlmsghdr *)m->data;
    h->nlmsg_type = family;
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    h->nlmsg_seq = 1;
    struct genlmsghdr *g = (struct genlmsghdr *)(m->data + NLMSG_HDRLEN);
    g->cmd = command;
    g->version = MPTCP_PM_VER;
    m->length = NLMSG_HDRLEN + GENL_HDRLEN;
}

static int open_socket(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
    if (fd < 0)
        return -errno;
    struct timeval timeout = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
}

typedef void (*OnReply)(struct nlmsghdr *h, void *data);

/* Sends @m and reads replies until the acknowledgement (or the end of a dump). */
static int transact(int fd, Message *m, OnReply on_reply, void *data)
{
    struct nlmsghdr *request = (struct nlmsghdr *)m->data;
    request->nlmsg_len = (uint32_t)m->length;
    if (send(fd, m->data, m->length, 0) < 0)
        return -errno;
    static char buffer[BUFFER_BYTES] __attribute__((aligned(4)));
    for (int datagrams = 0; datagrams < MAX_DATAGRAMS; datagrams++) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR)
                return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
            if (on_reply)
                on_reply(h, data);
        }
    }
    return -EIO;
}

static void on_family(struct nlmsghdr *h, void *data)
{
    uint16_t *id = data;
    int length = (int)(h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
    struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
    for (; length >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= length;
         length -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
        if (a->nla_type == CTRL_ATTR_FAMILY_ID)
            memcpy(id, (char *)a + NLA_HDRLEN, sizeof *id);
}

/* The family id of "mptcp_pm" (it differs between boots); 0 when absent. */
static uint16_t family_id(int fd)
{
    Message m;
    begin_message(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
    struct genlmsghdr *g = (struct genlmsghdr *)(m.data + NLMSG_HDRLEN);
    g->version = 1;
    put_attribute(&m, CTRL_ATTR_FAMILY_NAME, MPTCP_PM_NAME, sizeof MPTCP_PM_NAME);
    uint16_t id = 0;
    return transact(fd, &m, on_family, &id) == 0 ? id : 0;
}

/* One request on a fresh socket: @fill adds the attributes. */
static int request(uint8_t command, uint16_t flags, void (*fill)(Message *m, const void *data),
                   const void *data, OnReply on_reply, void *reply_data)
{
    int fd = open_socket();
    if (fd < 0)
        return fd;
    uint16_t family = family_id(fd);
    int result = -ENOENT;
    if (family) {
        Message m;
        begin_message(&m, family, command, flags);
        if (fill)
            fill(&m, data);
        result = transact(fd, &m, on_reply, reply_data);
    }
    close(fd);
    return result;
}

bool url__pm_address_parse(UrlPmAddress *address, const char *text, uint16_t port)
{
    memset(address, 0, sizeof *address);
    address->port = port;
    if (inet_pton(AF_INET, text, &address->address.v4) == 1) {
        address->family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, &address->address.v6) == 1) {
        address->family = AF_INET6;
        return true;
    }
    return false;
}

static void parse_address(const struct nlattr *nest, UrlPmAddress *address)
{
    memset(address, 0, sizeof *address);
    int length = nest->nla_len - (int)NLA_HDRLEN;
    const struct nlattr *a = (const struct nlattr *)((const char *)nest + NLA_HDRLEN);
    for (; length >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= length;
         length -= NLA_ALIGN(a->nla_len),
         a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len))) {
        const void *value = (const char *)a + NLA_HDRLEN;
        switch (a->nla_type) {
        case MPTCP_PM_ADDR_ATTR_FAMILY:
            address->family = *(const uint16_t *)value;
            break;
        case MPTCP_PM_ADDR_ATTR_ADDR4:
            memcpy(&address->address.v4, value, 4);
            break;
        case MPTCP_PM_ADDR_ATTR_ADDR6:
            memcpy(&address->address.v6, value, 16);
            break;
        case MPTCP_PM_ADDR_ATTR_ID:
            address->id = *(const uint8_t *)value;
            break;
        case MPTCP_PM_ADDR_ATTR_FLAGS:
            address->flags = *(const uint32_t *)value;
            break;
        case MPTCP_PM_ADDR_ATTR_IF_IDX:
            address->ifindex = *(const int32_t *)value;
            break;
        default:
            break;
        }
    }
}

static void on_endpoint(struct nlmsghdr *h, void *data)
{
    GArray *into = data;
    int length = (int)(h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
    struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
    for (; length >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= length;
         length -= NLA_ALIGN(a->nla_len),
         a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
        if ((a->nla_type & NLA_TYPE_MASK) == MPTCP_PM_ATTR_ADDR) {
            UrlPmAddress address;
            parse_address(a, &address);
            g_array_append_val(into, address);
        }
    }
}

int url__pm_endpoints(GArray *into)
{
    return request(MPTCP_PM_CMD_GET_ADDR, NLM_F_DUMP, NULL, NULL, on_endpoint, into);
}

static void fill_endpoint(Message *m, const void *data)
{
    put_address(m, MPTCP_PM_ATTR_ADDR, data);
}

int url__pm_endpoint_add(const UrlPmAddress *endpoint)
{
    return request(MPTCP_PM_CMD_ADD_ADDR, 0, fill_endpoint, endpoint, NULL, NULL);
}

int url__pm_endpoint_delete(uint8_t id)
{
    UrlPmAddress endpoint = {.family = AF_UNSPEC, .id = id};
    return request(MPTCP_PM_CMD_DEL_ADDR, 0, fill_endpoint, &endpoint, NULL, NULL);
}

int url__pm_endpoint_set_backup(uint8_t id, bool backup)
{
    UrlPmAddress endpoint = {
        .family = AF_UNSPEC, .id = id, .flags = backup ? MPTCP_PM_ADDR_FLAG_BACKUP : 0};
    return request(MPTCP_PM_CMD_SET_FLAGS, 0, fill_endpoint, &endpoint, NULL, NULL);
}

typedef struct {
    uint32_t token;
    const UrlPmAddress *local, *remote;
} SubflowRequest;

static void fill_subflow(Message *m, const void *data)
{
    const SubflowRequest *r = data;
    put_attribute(m, MPTCP_PM_ATTR_TOKEN, &r->token, sizeof r->token);
    put_address(m, MPTCP_PM_ATTR_ADDR, r->local);
    put_address(m, MPTCP_PM_ATTR_ADDR_REMOTE, r->remote);
}

int url__pm_subflow_create(uint32_t token, const UrlPmAddress *local, const UrlPmAddress *remote)
{
    SubflowRequest r = {token, local, remote};
    return request(MPTCP_PM_CMD_SUBFLOW_CREATE, 0, fill_subflow, &r, NULL, NULL);
}

int url__pm_subflow_destroy(uint32_t token, const UrlPmAddress *local, const UrlPmAddress *remote)
{
    SubflowRequest r = {token, local, remote};
    return request(MPTCP_PM_CMD_SUBFLOW_DESTROY, 0, fill_subflow, &r, NULL, NULL);
}

int url__pm_subflow_set_backup(uint32_t token, const UrlPmAddress *local,
                               const UrlPmAddress *remote, bool backup)
{
    UrlPmAddress flagged = *local;
    flagged.flags = backup ? MPTCP_PM_ADDR_FLAG_BACKUP : 0;
    SubflowRequest r = {token, &flagged, remote};
    return request(MPTCP_PM_CMD_SET_FLAGS, 0, fill_subflow, &r, NULL, NULL);
}
