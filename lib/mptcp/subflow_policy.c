/* subflow_policy.c — per service type, the subflows an MPTCP connection should have:
 *
 *   handover     the primary interface (best permitted one that is not cellular) carries
 *                the data; a cellular subflow is opened when the primary is gone, has no
 *                subflow, its subflow is retransmitting (RTO, backoff), or a transfer
 *                runs and the subflow moved no byte for URL__HANDOVER_STALL_SECONDS (a
 *                link that stays up and delivers nothing), and closed once the primary
 *                has been healthy for URL__HANDOVER_SETTLE_SECONDS;
 *   interactive  a subflow on every permitted interface, all but the lowest-RTT one
 *                marked backup, re-evaluated as RTTs change;
 *   aggregate    a subflow on every permitted interface, none backup.
 *
 * With the user-space path manager each connection gets exactly that (subflow create,
 * destroy, set-flags by token). With the kernel path manager and permission to manage
 * endpoints, the namespace's endpoints are set for it: a subflow endpoint per secondary
 * interface (backup for handover), re-announced when the primary comes back so that
 * existing connections open a subflow on it again; for interactive, the primary gets an
 * endpoint without the subflow flag too, so that every path (the first subflow's
 * included) has one whose backup flag follows the RTTs (set-flags by endpoint id: the
 * kernel sends MP_PRIO on each subflow from that address). Otherwise the kernel does
 * what its endpoints say, and this only watches. */
#include "mptcp/subflow_policy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "http/network_thread.h"
#include "http/timer.h"
#include "mptcp/mptcp_compat.h"
#include "mptcp/mptcp_socket.h"
#include "mptcp/pm_netlink.h"
#include "path/interface_type.h"
#include "path/monitor.h"

#define MAX_SUBFLOWS   8
#define MAX_INTERFACES 8
/* A subflow that could not be created is not asked for again sooner than this. */
#define RETRY_SECONDS 2.0
/* Interactive: the path carrying the data gives way to another when its RTT is above
 * the other's by this factor plus this many seconds (hysteresis). */
#define RTT_FACTOR 1.5
#define RTT_MARGIN 0.005

typedef struct {
    char name[IF_NAMESIZE];
    bool backup;        /* what we last told the kernel */
    gint64 last_create; /* monotonic µs of our last create request */
} InterfaceState;

typedef struct {
    int fd;
    UrlMptcpOptions options;
    UrlPathManagerKind backend;
    bool established;
    uint32_t token;
    UrlPmAddress remote;
    char remote_text[48];
    gint64 primary_healthy_since; /* 0: not healthy */
    int busy;                     /* transfers using the connection now */
    int64_t progress_bytes;       /* the primary subflow's bytes moved at progress_at */
    gint64 progress_at;
    int closing[MAX_SUBFLOWS]; /* local ports of subflows we asked to close */
    int closing_count;
    InterfaceState interfaces[MAX_INTERFACES];
} Connection;

typedef struct {
    const UrlPathInterface *interface;
    const UrlMptcpSubflow *subflow; /* NULL: none on it */
} Slot;

static struct {
    GHashTable *connections; /* fd -> Connection */
    UrlTimer *timer;
    guint watch;
    /* Kernel PM endpoints (manage_endpoints) */
    bool applied;                       /* endpoints were set at least once */
    bool endpoint_failed;               /* ... and the last attempt failed somewhere */
    bool primary_announced;             /* the primary has an endpoint (it came back) */
    gint64 endpoint_attempt;            /* monotonic µs of the last attempt */
    char *endpoint_signature;           /* what was last set */
    char endpoint_primary[IF_NAMESIZE]; /* the primary then ("" when there was none) */
    /* Interactive with the kernel PM: the backup flag each interface's endpoint should
     * carry, from the RTTs of a watched connection's subflows. */
    InterfaceState endpoint_backup[MAX_INTERFACES];
} policy;

static InterfaceState *state_in(InterfaceState *states, const char *name)
{
    for (int i = 0; i < MAX_INTERFACES; i++)
        if (strcmp(states[i].name, name) == 0)
            return &states[i];
    for (int i = 0; i < MAX_INTERFACES; i++) {
        if (states[i].name[0] == '\0') {
            g_strlcpy(states[i].name, name, sizeof states[i].name);
            return &states[i];
        }
    }
    return &states[MAX_INTERFACES - 1];
}

static InterfaceState *interface_state(Connection *c, const char *name)
{
    return state_in(c->interfaces, name);
}

/* Interactive: which of @n paths (their RTTs, 0 when unknown) should carry the data,
 * all others being backup, when @current does now (-1: none): the lowest RTT, but the
 * current one keeps it unless another is lower by the factor and margin. Only one path
 * is active, so its RTT stays fresh (the others' are their last); -1 when none is known. */
static int interactive_pick(const double *rtts, size_t n, int current)
{
    int best = -1;
    for (size_t i = 0; i < n; i++)
        if (rtts[i] > 0 && (best < 0 || rtts[i] < rtts[best]))
            best = (int)i;
    if (best < 0 || current < 0 || rtts[current] <= 0)
        return best;
    return rtts[best] * RTT_FACTOR + RTT_MARGIN < rtts[current] ? best : current;
}

static bool local_address(const UrlLinkState *links, const UrlPathInterface *interface, int family,
                          UrlPmAddress *address)
{
    char text[48];
    if (!url__link_state_address_of(links, interface->index, family, text))
        return false;
    url__pm_address_parse(address, text, 0);
    address->ifindex = interface->index;
    return true;
}

static bool is_secondary_type(const UrlPathInterface *interface)
{
    return interface->type == URL_INTERFACE_TYPE_CELLULAR || interface->expensive;
}

/* The primary: the best permitted interface that is not cellular or expensive. */
static const UrlPathInterface *primary_of(const UrlPath *path, const UrlInterfacePolicy *p)
{
    for (size_t i = 0; url__path_interface(path, i); i++) {
        const UrlPathInterface *interface = url__path_interface(path, i);
        if (url__interface_permitted(interface, p) && !is_secondary_type(interface))
            return interface;
    }
    return NULL;
}

static void create_subflow(Connection *c, const UrlLinkState *links, const UrlPathInterface *on)
{
    InterfaceState *state = interface_state(c, on->name);
    gint64 now = g_get_monotonic_time();
    if (state->last_create && now - state->last_create < (gint64)(RETRY_SECONDS * G_USEC_PER_SEC))
        return;
    state->last_create = now;
    state->backup = false;
    UrlPmAddress local;
    if (!local_address(links, on, c->remote.family, &local))
        return;
    /* The kernel refuses local id 0 (the initial subflow's): one id per interface. */
    local.id = (uint8_t)(1 + on->index % 250);
    int result = url__pm_subflow_create(c->token, &local, &c->remote);
    g_debug("mptcp: subflow on %s for token %08x: %s", on->name, c->token,
            result ? g_strerror(-result) : "requested");
}

static bool is_closing(const Connection *c, const UrlMptcpSubflow *s)
{
    for (int i = 0; i < c->closing_count; i++)
        if (c->closing[i] == s->local_port)
            return true;
    return false;
}

static void destroy_subflow(Connection *c, const UrlMptcpSubflow *s)
{
    if (is_closing(c, s))
        return;
    if (c->closing_count < MAX_SUBFLOWS)
        c->closing[c->closing_count++] = s->local_port;
    else
        c->closing[MAX_SUBFLOWS - 1] = s->local_port;
    UrlPmAddress local, remote;
    if (!url__pm_address_parse(&local, s->local, (uint16_t)s->local_port) ||
        !url__pm_address_parse(&remote, s->remote, (uint16_t)s->remote_port))
        return;
    int result = url__pm_subflow_destroy(c->token, &local, &remote);
    g_debug("mptcp: close subflow %s:%d: %s", s->local, s->local_port,
            result ? g_strerror(-result) : "done");
}

/* Handover: a busy connection whose primary subflow moved nothing for a while. While
 * idle (or when the subflow changes) the clock restarts. */
static bool stalled(Connection *c, const UrlMptcpSubflow *primary, gint64 now)
{
    int64_t bytes = primary->bytes_received + primary->bytes_sent;
    if (c->busy == 0 || bytes != c->progress_bytes) {
        c->progress_bytes = bytes;
        c->progress_at = now;
        return false;
    }
    return now - c->progress_at >= (gint64)(URL__HANDOVER_STALL_SECONDS * G_USEC_PER_SEC);
}

static void set_backup(Connection *c, const Slot *slot, bool backup)
{
    InterfaceState *state = interface_state(c, slot->interface->name);
    if (state->backup == backup)
        return;
    UrlPmAddress local;
    if (!url__pm_address_parse(&local, slot->subflow->local, 0))
        return;
    int result = url__pm_subflow_set_backup(c->token, &local, &c->remote, backup);
    if (result == 0)
        state->backup = backup;
    g_debug("mptcp: %s %s: %s", slot->interface->name, backup ? "backup" : "active",
            result ? g_strerror(-result) : "done");
}

/* Userspace: make the connection's subflows match its service type. */
static void steer(Connection *c, const UrlPath *path, const UrlLinkState *links,
                  const UrlMptcpSubflow *subflows, size_t count)
{
    const UrlInterfacePolicy *p = &c->options.policy;
    Slot slots[MAX_INTERFACES];
    size_t n = 0;
    for (size_t i = 0; url__path_interface(path, i) && n < MAX_INTERFACES; i++) {
        const UrlPathInterface *interface = url__path_interface(path, i);
        if (!url__interface_permitted(interface, p))
            continue;
        slots[n].interface = interface;
        slots[n].subflow = NULL;
        for (size_t j = 0; j < count; j++) {
            const UrlLink *link = url__link_state_find_address(links, subflows[j].local);
            if (link && link->index == interface->index && !is_closing(c, &subflows[j]))
                slots[n].subflow = &subflows[j];
        }
        n++;
    }
    /* Subflows on interfaces that are gone or not permitted are closed. */
    for (size_t j = 0; j < count; j++) {
        bool kept = false;
        for (size_t i = 0; i < n; i++)
            kept = kept || slots[i].subflow == &subflows[j];
        if (!kept && count > 1)
            destroy_subflow(c, &subflows[j]);
    }
    gint64 now = g_get_monotonic_time();
    switch (c->options.service_type) {
    case URL_MULTIPATH_SERVICE_TYPE_HANDOVER: {
        const UrlPathInterface *primary = primary_of(path, p);
        const Slot *main = NULL;
        for (size_t i = 0; i < n; i++)
            if (primary && slots[i].interface == primary)
                main = &slots[i];
        bool healthy = main && main->subflow && main->subflow->established &&
                       main->subflow->retransmits == 0 && main->subflow->backoff == 0 &&
                       !stalled(c, main->subflow, now);
        if (primary && !(main && main->subflow))
            create_subflow(c, links, primary);
        if (!healthy) {
            c->primary_healthy_since = 0;
            for (size_t i = 0; i < n; i++) {
                if (&slots[i] != main && slots[i].subflow == NULL) {
                    create_subflow(c, links, slots[i].interface);
                    break; /* one fallback path is enough */
                }
            }
            return;
        }
        if (c->primary_healthy_since == 0)
            c->primary_healthy_since = now;
        bool settled = now - c->primary_healthy_since >=
                       (gint64)(URL__HANDOVER_SETTLE_SECONDS * G_USEC_PER_SEC);
        for (size_t i = 0; i < n; i++) {
            if (&slots[i] == main || slots[i].subflow == NULL)
                continue;
            if (settled)
                destroy_subflow(c, slots[i].subflow);
            else
                set_backup(c, &slots[i], true);
        }
        return;
    }
    case URL_MULTIPATH_SERVICE_TYPE_INTERACTIVE: {
        double rtts[MAX_INTERFACES];
        int current = -1;
        for (size_t i = 0; i < n; i++) {
            if (slots[i].subflow == NULL)
                create_subflow(c, links, slots[i].interface);
            rtts[i] = slots[i].subflow ? slots[i].subflow->rtt : 0;
            if (current < 0 && slots[i].subflow &&
                !interface_state(c, slots[i].interface->name)->backup)
                current = (int)i;
        }
        int pick = interactive_pick(rtts, n, current);
        for (size_t i = 0; pick >= 0 && i < n; i++)
            if (slots[i].subflow && rtts[i] > 0)
                set_backup(c, &slots[i], (int)i != pick);
        return;
    }
    case URL_MULTIPATH_SERVICE_TYPE_AGGREGATE:
        for (size_t i = 0; i < n; i++) {
            if (slots[i].subflow == NULL)
                create_subflow(c, links, slots[i].interface);
            else
                set_backup(c, &slots[i], false);
        }
        return;
    case URL_MULTIPATH_SERVICE_TYPE_NONE:
        return;
    }
}

/* Kernel PM, interactive: which interfaces' endpoints should be backup, from the RTTs of
 * @c's subflows (the lowest per permitted interface). */
static void rank_endpoints(Connection *c, const UrlPath *path, const UrlLinkState *links)
{
    UrlMptcpSubflow subflows[MAX_SUBFLOWS];
    size_t count = url__mptcp_subflows(c->fd, subflows, MAX_SUBFLOWS);
    double rtts[MAX_INTERFACES] = {0};
    const UrlPathInterface *interfaces[MAX_INTERFACES];
    size_t n = 0;
    int current = -1;
    for (size_t i = 0; url__path_interface(path, i) && n < MAX_INTERFACES; i++) {
        const UrlPathInterface *interface = url__path_interface(path, i);
        if (!url__interface_permitted(interface, &c->options.policy))
            continue;
        for (size_t j = 0; j < count; j++) {
            const UrlLink *link = url__link_state_find_address(links, subflows[j].local);
            if (link && link->index == interface->index && subflows[j].established &&
                subflows[j].rtt > 0 && (rtts[n] == 0 || subflows[j].rtt < rtts[n]))
                rtts[n] = subflows[j].rtt;
        }
        if (current < 0 && rtts[n] > 0 &&
            !state_in(policy.endpoint_backup, interface->name)->backup)
            current = (int)n;
        interfaces[n++] = interface;
    }
    int pick = interactive_pick(rtts, n, current);
    for (size_t i = 0; pick >= 0 && i < n; i++)
        if (rtts[i] > 0)
            state_in(policy.endpoint_backup, interfaces[i]->name)->backup = (int)i != pick;
}

/* Kernel PM with permission: the namespace's endpoints follow the strongest wish among
 * the watched connections (aggregate > interactive > handover): a subflow endpoint per
 * permitted secondary interface, backup for handover; when the primary comes back, its
 * endpoint is announced too, so that existing connections open a subflow on it. Our
 * endpoints have ids from URL__ENDPOINT_ID_BASE (any process of ours may have left some:
 * they are replaced, hand-made ones are left alone). */
#define URL__ENDPOINT_ID_BASE 100

static uint8_t endpoint_id(const UrlPathInterface *interface)
{
    return (uint8_t)(URL__ENDPOINT_ID_BASE + interface->index % 150);
}

static void manage_endpoints(const UrlPath *path, const UrlLinkState *links)
{
    UrlMultipathServiceType wish = URL_MULTIPATH_SERVICE_TYPE_NONE;
    const UrlMptcpOptions *options = NULL;
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, policy.connections);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        Connection *c = value;
        if (c->backend == URL__PATH_MANAGER_KERNEL_MANAGED && c->options.service_type > wish) {
            wish = c->options.service_type;
            options = &c->options;
        }
    }
    if (options == NULL)
        return;
    const UrlPathInterface *primary = primary_of(path, &options->policy);
    bool primary_returned = primary && policy.applied && policy.endpoint_primary[0] == '\0';
    GString *signature = g_string_new(NULL);
    GArray *wanted = g_array_new(FALSE, FALSE, sizeof(UrlPmAddress));
    for (size_t i = 0; url__path_interface(path, i); i++) {
        const UrlPathInterface *interface = url__path_interface(path, i);
        bool is_primary = interface == primary;
        bool interactive = wish == URL_MULTIPATH_SERVICE_TYPE_INTERACTIVE;
        if (!url__interface_permitted(interface, &options->policy) ||
            (is_primary && !interactive && !primary_returned && !policy.primary_announced))
            continue;
        UrlPmAddress endpoint;
        if (!local_address(links, interface, AF_INET, &endpoint))
            continue;
        /* Interactive: the first subflow's address is an endpoint only for its flags; the
         * subflow flag would have the kernel open a second subflow from it. */
        endpoint.flags = is_primary && interactive ? 0 : MPTCP_PM_ADDR_FLAG_SUBFLOW;
        if ((wish == URL_MULTIPATH_SERVICE_TYPE_HANDOVER && !is_primary) ||
            (interactive && state_in(policy.endpoint_backup, interface->name)->backup))
            endpoint.flags |= MPTCP_PM_ADDR_FLAG_BACKUP;
        endpoint.id = endpoint_id(interface);
        g_array_append_val(wanted, endpoint);
        g_string_append_printf(signature, "%s:%u;", interface->name, endpoint.flags);
    }
    gint64 now = g_get_monotonic_time();
    bool same = policy.applied && g_strcmp0(signature->str, policy.endpoint_signature) == 0;
    bool too_soon = now - policy.endpoint_attempt < (gint64)(RETRY_SECONDS * G_USEC_PER_SEC);
    if (!same && !(policy.endpoint_failed && too_soon)) {
        policy.endpoint_attempt = now;
        /* Only what differs changes: deleting an endpoint closes its subflows. */
        GArray *existing = g_array_new(FALSE, FALSE, sizeof(UrlPmAddress));
        int failures = url__pm_endpoints(existing) != 0;
        for (guint i = 0; i < existing->len; i++) {
            const UrlPmAddress *have = &g_array_index(existing, UrlPmAddress, i);
            const UrlPmAddress *want = NULL;
            for (guint j = 0; j < wanted->len; j++)
                if (g_array_index(wanted, UrlPmAddress, j).id == have->id)
                    want = &g_array_index(wanted, UrlPmAddress, j);
            if (have->id < URL__ENDPOINT_ID_BASE)
                continue;
            if (want == NULL || memcmp(&want->address, &have->address, sizeof have->address))
                failures += url__pm_endpoint_delete(have->id) != 0;
            else if ((want->flags ^ have->flags) & MPTCP_PM_ADDR_FLAG_BACKUP) {
                int result =
                    url__pm_endpoint_set_backup(have->id, want->flags & MPTCP_PM_ADDR_FLAG_BACKUP);
                g_debug("mptcp: endpoint id %u %s: %s", have->id,
                        want->flags & MPTCP_PM_ADDR_FLAG_BACKUP ? "backup" : "active",
                        result ? g_strerror(-result) : "done");
                failures += result != 0;
            }
        }
        for (guint j = 0; j < wanted->len; j++) {
            const UrlPmAddress *want = &g_array_index(wanted, UrlPmAddress, j);
            bool present = false;
            for (guint i = 0; i < existing->len; i++) {
                const UrlPmAddress *have = &g_array_index(existing, UrlPmAddress, i);
                present =
                    present || (have->id == want->id &&
                                !memcmp(&want->address, &have->address, sizeof have->address));
            }
            if (present)
                continue;
            int result = url__pm_endpoint_add(want);
            g_debug("mptcp: endpoint id %u: %s", want->id, result ? g_strerror(-result) : "added");
            failures += result != 0;
        }
        g_array_free(existing, TRUE);
        policy.endpoint_failed = failures > 0;
        policy.applied = true;
        policy.primary_announced = primary_returned || (policy.primary_announced && primary);
        g_free(policy.endpoint_signature);
        policy.endpoint_signature = g_strdup(signature->str);
        g_strlcpy(policy.endpoint_primary, primary ? primary->name : "",
                  sizeof policy.endpoint_primary);
    } else if (same) {
        g_strlcpy(policy.endpoint_primary, primary ? primary->name : "",
                  sizeof policy.endpoint_primary);
    }
    g_array_free(wanted, TRUE);
    g_string_free(signature, TRUE);
}

static void connection_free(gpointer data)
{
    Connection *c = data;
    if (c->options.overrides)
        g_hash_table_unref(c->options.overrides);
    g_free(c);
}

/* The numeric address of @address in @text; returns its port. */
static int address_text(const struct sockaddr_storage *address, char *text, size_t size)
{
    if (address->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)address;
        inet_ntop(AF_INET, &in->sin_addr, text, (socklen_t)size);
        return ntohs(in->sin_port);
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;
    inet_ntop(AF_INET6, &in6->sin6_addr, text, (socklen_t)size);
    return ntohs(in6->sin6_port);
}

/* Connected yet? Then MPTCP or fallen back; the token and the peer for later requests. */
static bool establish(Connection *c)
{
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    if (getpeername(c->fd, (struct sockaddr *)&peer, &length) != 0)
        return false; /* still connecting */
    if (!url__mptcp_is_negotiated(c->fd))
        return false;
    struct mptcp_info info;
    memset(&info, 0, sizeof info);
    length = sizeof info;
    if (getsockopt(c->fd, SOL_MPTCP, MPTCP_INFO, &info, &length) != 0 || info.mptcpi_token == 0)
        return false;
    c->token = info.mptcpi_token;
    int port = address_text(&peer, c->remote_text, sizeof c->remote_text);
    url__pm_address_parse(&c->remote, c->remote_text, (uint16_t)port);
    c->established = true;
    return true;
}

static bool fell_back(Connection *c)
{
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    return getpeername(c->fd, (struct sockaddr *)&peer, &length) == 0 &&
           !url__mptcp_is_negotiated(c->fd);
}

static void look(void)
{
    if (g_hash_table_size(policy.connections) == 0) {
        url__timer_disarm(policy.timer);
        return;
    }
    const UrlLinkState *links = url__path_links();
    GHashTableIter iter;
    gpointer key, value;
    GArray *gone = g_array_new(FALSE, FALSE, sizeof(int));
    UrlPath *managed_path = NULL;
    bool ranked = false;
    g_hash_table_iter_init(&iter, policy.connections);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        Connection *c = value;
        if (!c->established && !establish(c)) {
            if (fell_back(c))
                g_array_append_val(gone, c->fd);
            continue;
        }
        UrlPath *path = url__path_new(links, c->options.overrides, "/sys/class/net");
        if (c->backend == URL__PATH_MANAGER_USERSPACE) {
            UrlMptcpSubflow subflows[MAX_SUBFLOWS];
            size_t count = url__mptcp_subflows(c->fd, subflows, MAX_SUBFLOWS);
            steer(c, path, links, subflows, count);
        }
        if (c->backend == URL__PATH_MANAGER_KERNEL_MANAGED) {
            if (managed_path == NULL)
                managed_path = url_path_ref(path);
            /* Endpoints are the namespace's: one connection's RTTs decide. */
            if (!ranked && c->options.service_type == URL_MULTIPATH_SERVICE_TYPE_INTERACTIVE) {
                rank_endpoints(c, path, links);
                ranked = true;
            }
        }
        url_path_unref(path);
    }
    for (guint i = 0; i < gone->len; i++)
        g_hash_table_remove(policy.connections, GINT_TO_POINTER(g_array_index(gone, int, i)));
    g_array_free(gone, TRUE);
    if (managed_path) {
        manage_endpoints(managed_path, links);
        url_path_unref(managed_path);
    }
    url__timer_arm_in(policy.timer, URL__SUBFLOW_POLICY_INTERVAL);
}

static void on_timer(void *unused)
{
    look();
}

static void on_path_change(const UrlLinkState *links, void *unused)
{
    look();
}

void url__subflow_policy_watch(int fd, const UrlMptcpOptions *options)
{
    if (policy.connections == NULL) {
        policy.connections =
            g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, connection_free);
        policy.timer = url__timer_new(on_timer, NULL);
        policy.watch = url__path_watch_add(on_path_change, NULL);
    }
    Connection *c = g_new0(Connection, 1);
    c->fd = fd;
    c->options = *options;
    c->options.overrides = url__interface_overrides_copy(options->overrides);
    c->backend = url__path_manager_detect(options->manage_endpoints);
    g_hash_table_replace(policy.connections, GINT_TO_POINTER(fd), c);
    url__timer_arm_in(policy.timer, URL__SUBFLOW_POLICY_INTERVAL);
}

void url__subflow_policy_forget(int fd)
{
    if (policy.connections)
        g_hash_table_remove(policy.connections, GINT_TO_POINTER(fd));
}

void url__subflow_policy_set_busy(const char *local, int port, bool busy)
{
    if (policy.connections == NULL || local == NULL)
        return;
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, policy.connections);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        Connection *c = value;
        struct sockaddr_storage own;
        socklen_t length = sizeof own;
        char text[48];
        if (getsockname(c->fd, (struct sockaddr *)&own, &length) != 0 ||
            address_text(&own, text, sizeof text) != port || strcmp(text, local) != 0)
            continue;
        c->busy += busy ? 1 : -1;
        if (c->busy < 0)
            c->busy = 0;
        c->progress_bytes = -1; /* the stall clock starts at the next look */
        return;
    }
}

UrlPathManagerKind url__subflow_policy_backend(int fd)
{
    Connection *c =
        policy.connections ? g_hash_table_lookup(policy.connections, GINT_TO_POINTER(fd)) : NULL;
    return c ? c->backend : URL__PATH_MANAGER_NONE;
}
