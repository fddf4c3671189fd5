/* monitor.c — the rtnetlink watcher on the network thread.
 *
 * Change messages (links, addresses, routes, router advertisement options) only say that
 * something moved; after a short settling time the three tables are dumped again and
 * compared with the last ones, so watchers hear once per real change whatever the burst
 * of messages. Dumps are answered from kernel memory, so they do not stall the thread. */
#include "path/monitor.h"

#include <errno.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "http/network_thread.h"
#include "http/timer.h"

typedef struct {
    guint id;
    UrlPathWatchFunc func;
    void *data;
} Watch;

static struct {
    bool started;
    UrlLinkState *state;
    GArray *watches; /* Watch */
    guint next_id;
    UrlTimer *settle;
    GHashTable *pref64; /* interface index -> Pref64Entry: the last PREF64 it advertised */
} core;

typedef struct {
    UrlPref64 option;
    gint64 expires; /* monotonic µs */
} Pref64Entry;

/* The PREF64 @index advertised, if its lifetime has not run out. */
static const UrlPref64 *live_pref64(int index)
{
    Pref64Entry *entry = g_hash_table_lookup(core.pref64, GINT_TO_POINTER(index));
    return entry && entry->expires > g_get_monotonic_time() ? &entry->option : NULL;
}

static void apply_pref64(UrlLinkState *state)
{
    for (guint i = 0; state && i < state->links->len; i++) {
        UrlLink *link = &g_array_index(state->links, UrlLink, i);
        const UrlPref64 *option = live_pref64(link->index);
        link->pref64 = option != NULL;
        memset(link->pref64_prefix, 0, sizeof link->pref64_prefix);
        link->pref64_length = option ? option->length : 0;
        if (option)
            memcpy(link->pref64_prefix, option->prefix, sizeof link->pref64_prefix);
    }
}

static void record_pref64(const UrlPref64 *option)
{
    if (option->lifetime == 0) {
        g_hash_table_remove(core.pref64, GINT_TO_POINTER(option->index));
        return;
    }
    Pref64Entry *entry = g_new(Pref64Entry, 1);
    entry->option = *option;
    entry->expires = g_get_monotonic_time() + (gint64)option->lifetime * G_USEC_PER_SEC;
    g_hash_table_replace(core.pref64, GINT_TO_POINTER(option->index), entry);
    g_debug("PREF64 on interface %d: /%d for %u s", option->index, option->length,
            option->lifetime);
}

static void notify(void)
{
    /* A watcher may add or remove watches: walk a copy of the ids. */
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < core.watches->len; i++)
        g_array_append_val(ids, g_array_index(core.watches, Watch, i).id);
    for (guint i = 0; i < ids->len; i++) {
        guint id = g_array_index(ids, guint, i);
        for (guint j = 0; j < core.watches->len; j++) {
            Watch watch = g_array_index(core.watches, Watch, j);
            if (watch.id == id) {
                watch.func(core.state, watch.data);
                break;
            }
        }
    }
    g_array_free(ids, TRUE);
}

static void on_settled(void *unused)
{
    UrlLinkState *fresh = url__link_state_dump();
    if (fresh == NULL)
        return;
    apply_pref64(fresh);
    if (url__link_state_equal(fresh, core.state)) {
        url__link_state_free(fresh);
        return;
    }
    url__link_state_free(core.state);
    core.state = fresh;
    notify();
}

static void on_message(const struct nlmsghdr *h, size_t length)
{
    UrlPref64 option;
    if (h->nlmsg_type == RTM_NEWNDUSEROPT && url__link_nduseropt_pref64(h, length, &option))
        record_pref64(&option);
    if (h->nlmsg_type == RTM_DELLINK)
        g_hash_table_remove(core.pref64,
                            GINT_TO_POINTER(((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index));
}

static gboolean on_netlink(gint fd, GIOCondition condition, gpointer unused)
{
    static char buffer[16384] __attribute__((aligned(4)));
    for (int reads = 0; reads < 64; reads++) {
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == ENOBUFS) {
            url__timer_arm_in(core.settle, URL__PATH_SETTLE_SECONDS); /* lost some: re-read */
            continue;
        }
        if (n <= 0)
            break;
        size_t left = (size_t)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left))
            on_message(h, left);
        url__timer_arm_in(core.settle, URL__PATH_SETTLE_SECONDS);
    }
    return G_SOURCE_CONTINUE;
}

static void start(void)
{
    core.started = true;
    core.watches = g_array_new(FALSE, FALSE, sizeof(Watch));
    core.pref64 = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    core.settle = url__timer_new(on_settled, NULL);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    struct sockaddr_nl local = {
        .nl_family = AF_NETLINK,
        .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                     RTMGRP_IPV6_ROUTE | (1u << (RTNLGRP_ND_USEROPT - 1)),
    };
    if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
        g_debug("rtnetlink: %s; path changes go unnoticed", g_strerror(errno));
        if (fd >= 0)
            close(fd);
    } else {
        GSource *source = g_unix_fd_source_new(fd, G_IO_IN);
        g_source_set_callback(source, G_SOURCE_FUNC(on_netlink), NULL, NULL);
        g_source_set_name(source, "urlsession path monitor");
        g_source_attach(source, url__network_context());
        g_source_unref(source);
    }
    /* Subscribed first, then dumped: a change in between is seen by the next dump. */
    core.state = url__link_state_dump();
}

const UrlLinkState *url__path_links(void)
{
    g_assert(url__network_is_current_thread());
    if (!core.started)
        start();
    return core.state;
}

guint url__path_watch_add(UrlPathWatchFunc func, void *data)
{
    url__path_links();
    Watch watch = {.id = ++core.next_id, .func = func, .data = data};
    g_array_append_val(core.watches, watch);
    return watch.id;
}

void url__path_watch_remove(guint id)
{
    for (guint i = 0; core.watches && i < core.watches->len; i++) {
        if (g_array_index(core.watches, Watch, i).id == id) {
            g_array_remove_index(core.watches, i);
            return;
        }
    }
}

bool url__path_pref64(unsigned char prefix[16], int *length)
{
    const UrlLinkState *state = url__path_links();
    const UrlPref64 *found = NULL;
    bool found_on_default = false;
    for (guint i = 0; state && i < state->links->len; i++) {
        const UrlLink *link = &g_array_index(state->links, UrlLink, i);
        const UrlPref64 *option = url__link_is_usable(link) ? live_pref64(link->index) : NULL;
        if (option && (found == NULL || (link->default_v6 && !found_on_default))) {
            found = option;
            found_on_default = link->default_v6;
        }
    }
    if (found) {
        memcpy(prefix, found->prefix, 16);
        *length = found->length;
    }
    return found != NULL;
}
