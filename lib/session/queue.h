/* queue.h — pushing callbacks onto a delegate queue, whatever its kind. */
#ifndef URL_SESSION_QUEUE_PRIVATE_H
#define URL_SESSION_QUEUE_PRIVATE_H

#include <urlsession/queue.h>

#include <glib.h>

#include "http/job_source.h"

typedef enum {
    URL_QUEUE_SERIAL,
    URL_QUEUE_MANUAL,
    URL_QUEUE_GLIB,
} UrlQueueKind;

/* Queues @func(@data) to run on @queue, after everything pushed before it. @destroy
 * frees @data after the run (or if the queue is gone first). */
void url__queue_push(UrlQueue *queue, UrlJobFunc func, void *data, GDestroyNotify destroy);

/* The same for a job embedded in the caller's struct (no allocation here); the queue owns
 * @job from now on and frees it with its free after the run. */
void url__queue_push_job(UrlQueue *queue, UrlJob *job);

UrlQueueKind url__queue_get_kind(UrlQueue *queue);

/* Whether the calling thread is the one running @queue's callbacks right now. */
gboolean url__queue_is_current(UrlQueue *queue);

/* For a GLib queue: its context (borrowed). NULL for other kinds. */
GMainContext *url__queue_get_context(UrlQueue *queue);

#endif
