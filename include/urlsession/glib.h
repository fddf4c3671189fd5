/* glib.h — run a session's callbacks on a GLib main context the application already runs. */
#ifndef URLSESSION_GLIB_H
#define URLSESSION_GLIB_H

#include <glib.h>

#include "queue.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * url_queue_new_glib:
 * @context: (nullable): the context; NULL means the global default context
 *
 * A queue whose callbacks run, in order, from a GSource attached to @context: on
 * whichever thread iterates that context (usually the application's main thread).
 *
 * Returns: (transfer full): release with url_queue_unref(); keeps a reference to @context
 * Thread: any
 */
URL_API UrlQueue *url_queue_new_glib(GMainContext *context);

#ifdef __cplusplus
}
#endif

#endif
