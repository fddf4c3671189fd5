/* monitor.h — the process's one rtnetlink watcher, on the network thread: the current
 * links, addresses and routes, and who wants to hear when they change. */
#ifndef URL_PATH_MONITOR_H
#define URL_PATH_MONITOR_H

#include <glib.h>

#include "path/link_state.h"

/* How long changes settle before the tables are read again: one "ip link set up" makes a
 * burst of messages (link, addresses, routes), and one path change is what they mean. */
#define URL__PATH_SETTLE_SECONDS 0.02

typedef void (*UrlPathWatchFunc)(const UrlLinkState *state, void *data);

/* The current facts; starts watching on first call (the first dump is made then). NULL
 * when rtnetlink is unavailable. Network thread only, like everything here. */
const UrlLinkState *url__path_links(void);
/* Calls @func(@data) after each change, until removed. Returns an id > 0. */
guint url__path_watch_add(UrlPathWatchFunc func, void *data);
void url__path_watch_remove(guint id);

/* The NAT64 prefix a router advertised (RFC 8781 PREF64) on a usable link, within the
 * option's lifetime; the link with the IPv6 default route first. Only advertisements
 * received since the monitor started count (the kernel keeps none): it starts on the
 * first call of anything here. */
bool url__path_pref64(unsigned char prefix[16], int *length);

#endif
