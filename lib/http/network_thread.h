/* network_thread.h — the process's one network thread and its GMainContext. Every curl
 * multi handle, timer and socket watch of the library lives on it; nothing on it blocks. */
#ifndef URL_HTTP_NETWORK_THREAD_H
#define URL_HTTP_NETWORK_THREAD_H

#include <glib.h>

#include "http/job_source.h"

/* The network thread's context; starts the thread on first use. */
GMainContext *url__network_context(void);

/* Runs @func(@data) on the network thread, later (never inside this call). */
void url__network_invoke(UrlJobFunc func, void *data, GDestroyNotify destroy);

/* Whether the caller is the network thread. */
gboolean url__network_is_current_thread(void);

#endif
