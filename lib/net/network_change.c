/* network_change.c — the network generation: an rtnetlink socket subscribed to address
 * and route changes, watched on the network thread. Each message that says something
 * changed moves the counter on; caches compare it with the generation they were filled
 * in. */
#include "net/network_change.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>

#include "http/network_thread.h"

static uint64_t generation = 1; /* atomic */
static gsize watching;
static int netlink_fd = -1; /* read on the network thread only */

static gboolean on_netlink(gint fd, GIOCondition condition, gpointer data)
{
    char buffer[8192];
    bool changed = false;
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* ENOBUFS: messages were lost, so something changed. */
            changed = changed || errno == ENOBUFS;
            break;
        }
        if (n == 0)
            break;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            switch (h->nlmsg_type) {
            case RTM_NEWADDR:
            case RTM_DELADDR:
            case RTM_NEWROUTE:
            case RTM_DELROUTE:
            case RTM_NEWLINK:
            case RTM_DELLINK:
                changed = true;
                break;
            default:
                break;
            }
        }
    }
    if (changed) {
        url__network_changed();
        g_debug("network changed: generation %" G_GUINT64_FORMAT,
                (guint64)__atomic_load_n(&generation, __ATOMIC_RELAXED));
    }
    return G_SOURCE_CONTINUE;
}

static void start_watching(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0) {
        g_debug("rtnetlink: %s; network changes go unnoticed", g_strerror(errno));
        return;
    }
    struct sockaddr_nl local = {
        .nl_family = AF_NETLINK,
        .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                     RTMGRP_IPV6_ROUTE,
    };
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
        g_debug("rtnetlink bind: %s; network changes go unnoticed", g_strerror(errno));
        close(fd);
        return;
    }
    netlink_fd = fd;
    GSource *source = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(source, G_SOURCE_FUNC(on_netlink), NULL, NULL);
    g_source_set_name(source, "urlsession rtnetlink");
    g_source_attach(source, url__network_context());
    g_source_unref(source);
}

uint64_t url__network_generation(void)
{
    if (g_once_init_enter(&watching)) {
        start_watching();
        g_once_init_leave(&watching, 1);
    }
    return __atomic_load_n(&generation, __ATOMIC_RELAXED);
}

uint64_t url__network_generation_now(void)
{
    uint64_t current = url__network_generation();
    if (netlink_fd < 0)
        return current;
    /* A change the kernel already announced but the main loop has not read yet. */
    on_netlink(netlink_fd, G_IO_IN, NULL);
    return __atomic_load_n(&generation, __ATOMIC_RELAXED);
}

void url__network_changed(void)
{
    __atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED);
}
