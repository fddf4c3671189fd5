/* queue.h — UrlQueue: where a session's delegate callbacks and completion handlers run. */
#ifndef URLSESSION_QUEUE_H
#define URLSESSION_QUEUE_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * url_queue_new_serial:
 * @name: (nullable): a thread name for debuggers, copied
 *
 * A queue with a thread of its own that runs callbacks one at a time, in order; what a
 * session uses when it is given no queue (URLSession's serial delegate queue).
 *
 * Returns: (transfer full): release with url_queue_unref(); the thread ends once the
 *   queue is released and its pending callbacks have run
 * Thread: any
 */
URL_API UrlQueue *url_queue_new_serial(const char *name);

/**
 * url_queue_new_manual:
 *
 * A queue run by the application: url_queue_get_fd() becomes readable when callbacks are
 * pending, and url_queue_dispatch() runs them on the calling thread. This plugs the
 * library into any event loop (asyncio, libuv, Lua, a game loop).
 *
 * Returns: (transfer full): release with url_queue_unref()
 * Thread: any
 */
URL_API UrlQueue *url_queue_new_manual(void);

/**
 * url_queue_get_fd:
 * Returns: for a manual queue, a file descriptor (owned by the queue) that polls readable
 *   while callbacks are pending; -1 for other queues
 * Thread: any
 */
URL_API int url_queue_get_fd(UrlQueue *queue);

/**
 * url_queue_dispatch:
 * @queue: a manual queue
 *
 * Runs the callbacks that were pending when it was called, in order, on the calling
 * thread. Dispatches never overlap: a call from a second thread waits for the running one
 * to finish. A call from inside one of the queue's own callbacks runs nothing (it would
 * put later callbacks before the rest of the current one's batch) and logs a critical.
 *
 * Returns: the number of queued jobs run (one job may make several delegate calls, such
 *   as metrics then did_complete)
 * Thread: any; callbacks run on the calling thread
 */
URL_API size_t url_queue_dispatch(UrlQueue *queue);

/**
 * url_queue_wait:
 * @queue: a manual queue
 * @timeout_seconds: < 0 waits for ever
 *
 * Blocks until a callback is pending or the timeout passes; does not run it.
 *
 * Returns: true when callbacks are pending
 * Thread: any
 */
URL_API bool url_queue_wait(UrlQueue *queue, double timeout_seconds);

/** url_queue_ref: Returns: (transfer full) @queue. Thread: any */
URL_API UrlQueue *url_queue_ref(UrlQueue *queue);

/** url_queue_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_queue_unref(UrlQueue *queue);

#ifdef __cplusplus
}
#endif

#endif
