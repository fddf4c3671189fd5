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

#endif
