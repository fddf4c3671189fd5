/* queue.c — delegate queues: serial (own thread), manual (fd + dispatch) and GLib.
 *
 * All three keep one FIFO, so a session's callbacks run one at a time in the order the
 * network thread produced them; that order is what makes "data before did_complete" and
 * "did_become_invalid last" hold. */
#include "session/queue.h"

#include <urlsession/glib.h>

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* A serial queue's thread owns this state, so the last UrlQueue reference can be dropped
 * on that very thread (inside a callback) without joining itself. The thread takes every
 * queued job under one lock and runs them; a push signals it only when it waits. */
typedef struct {
    int ref_count;
    GMutex lock;
    GCond wake;
    UrlJobList jobs; /* guarded by lock, like the flags */
    bool sleeping;   /* the thread waits on wake (cleared by the push that signals it) */
    bool ending;     /* the queue is gone: run what is queued, then end */
    GThread *thread;
} SerialState;

struct UrlQueue {
    int ref_count;
    UrlQueueKind kind;
    GThread *running_thread; /* the manual queue's dispatching thread, for is_current */
    /* serial */
    SerialState *serial;
    /* manual */
    GMutex lock;
    UrlJobList manual_jobs;
    int event_fd;
    GMutex dispatch_lock; /* one dispatcher at a time keeps callbacks serial and in order */
    /* glib */
    GMainContext *context;
    UrlJobSource *glib_jobs;
};

static void serial_state_unref(SerialState *state)
{
    if (!g_atomic_int_dec_and_test(&state->ref_count))
        return;
    g_mutex_clear(&state->lock);
    g_cond_clear(&state->wake);
    g_free(state);
}

static gpointer serial_thread_main(gpointer data)
{
    SerialState *state = data;
    g_mutex_lock(&state->lock);
    for (;;) {
        while (state->jobs.head == NULL && !state->ending) {
            state->sleeping = true;
            g_cond_wait(&state->wake, &state->lock);
        }
        state->sleeping = false;
        if (state->jobs.head == NULL)
            break; /* ending, and everything ran */
        UrlJobList batch = state->jobs;
        state->jobs.head = state->jobs.tail = NULL;
        g_mutex_unlock(&state->lock);
        url__job_list_run(&batch);
        g_mutex_lock(&state->lock);
    }
    g_mutex_unlock(&state->lock);
    serial_state_unref(state);
    return NULL;
}

/* Appends @job, or marks the end when @job is NULL; wakes the thread if it waits. */
static void serial_push(SerialState *state, UrlJob *job)
{
    g_mutex_lock(&state->lock);
    if (job)
        url__job_list_append(&state->jobs, job);
    else
        state->ending = true;
    bool wake = state->sleeping;
    state->sleeping = false;
    g_mutex_unlock(&state->lock);
    if (wake)
        g_cond_signal(&state->wake);
}

UrlQueue *url_queue_new_serial(const char *name)
{
    UrlQueue *queue = g_new0(UrlQueue, 1);
    queue->ref_count = 1;
    queue->kind = URL_QUEUE_SERIAL;
    SerialState *state = g_new0(SerialState, 1);
    state->ref_count = 2; /* the queue and the thread */
    g_mutex_init(&state->lock);
    g_cond_init(&state->wake);
    state->thread = g_thread_new(name ? name : "url-delegate", serial_thread_main, state);
    queue->serial = state;
    return queue;
}

UrlQueue *url_queue_new_manual(void)
{
    UrlQueue *queue = g_new0(UrlQueue, 1);
    queue->ref_count = 1;
    queue->kind = URL_QUEUE_MANUAL;
    g_mutex_init(&queue->lock);
    g_mutex_init(&queue->dispatch_lock);
    queue->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (queue->event_fd < 0)
        g_error("eventfd: %s", g_strerror(errno)); /* out of fds at creation: nothing works */
    return queue;
}

UrlQueue *url_queue_new_glib(GMainContext *context)
{
    UrlQueue *queue = g_new0(UrlQueue, 1);
    queue->ref_count = 1;
    queue->kind = URL_QUEUE_GLIB;
    queue->context =
        context ? g_main_context_ref(context) : g_main_context_ref(g_main_context_default());
    queue->glib_jobs = url__job_source_new(queue->context, "urlsession delegate queue");
    return queue;
}

UrlQueue *url_queue_ref(UrlQueue *queue)
{
    g_return_val_if_fail(queue != NULL, NULL);
    g_atomic_int_inc(&queue->ref_count);
    return queue;
}

void url_queue_unref(UrlQueue *queue)
{
    if (queue == NULL || !g_atomic_int_dec_and_test(&queue->ref_count))
        return;
    switch (queue->kind) {
    case URL_QUEUE_SERIAL: {
        /* The thread runs what is still queued, then ends; it is detached because this
         * may be the thread itself. */
        SerialState *state = queue->serial;
        serial_push(state, NULL);
        g_thread_unref(state->thread);
        serial_state_unref(state);
        break;
    }
    case URL_QUEUE_MANUAL: {
        url__job_list_drop(&queue->manual_jobs);
        close(queue->event_fd);
        g_mutex_clear(&queue->lock);
        g_mutex_clear(&queue->dispatch_lock);
        break;
    }
    case URL_QUEUE_GLIB:
        url__job_source_destroy(queue->glib_jobs);
        g_main_context_unref(queue->context);
        break;
    }
    g_free(queue);
}

void url__queue_push_job(UrlQueue *queue, UrlJob *job)
{
    switch (queue->kind) {
    case URL_QUEUE_SERIAL:
        serial_push(queue->serial, job);
        break;
    case URL_QUEUE_MANUAL: {
        g_mutex_lock(&queue->lock);
        gboolean first = queue->manual_jobs.head == NULL;
        url__job_list_append(&queue->manual_jobs, job);
        g_mutex_unlock(&queue->lock);
        if (first) {
            uint64_t one = 1;
            ssize_t written = write(queue->event_fd, &one, sizeof one);
            (void)written; /* EAGAIN means the counter is already non-zero: still readable */
        }
        break;
    }
    case URL_QUEUE_GLIB:
        url__job_source_push_job(queue->glib_jobs, job);
        break;
    }
}

void url__queue_push(UrlQueue *queue, UrlJobFunc func, void *data, GDestroyNotify destroy)
{
    url__queue_push_job(queue, url__job_new(func, data, destroy));
}

int url_queue_get_fd(UrlQueue *queue)
{
    g_return_val_if_fail(queue != NULL, -1);
    return queue->kind == URL_QUEUE_MANUAL ? queue->event_fd : -1;
}

size_t url_queue_dispatch(UrlQueue *queue)
{
    g_return_val_if_fail(queue != NULL && queue->kind == URL_QUEUE_MANUAL, 0);
    /* From inside one of this queue's callbacks, running later callbacks now would break
     * their order: refuse. From another thread, wait for the running dispatch. */
    if (url__queue_is_current(queue)) {
        g_critical("url_queue_dispatch called from one of the queue's own callbacks; "
                   "nothing dispatched");
        return 0;
    }
    url_queue_ref(queue);
    g_mutex_lock(&queue->dispatch_lock);
    g_mutex_lock(&queue->lock);
    UrlJobList batch = queue->manual_jobs;
    queue->manual_jobs.head = queue->manual_jobs.tail = NULL;
    uint64_t counter;
    ssize_t got = read(queue->event_fd, &counter, sizeof counter);
    (void)got; /* EAGAIN: nothing was signalled, which is fine */
    g_mutex_unlock(&queue->lock);

    /* The reference taken above keeps the queue alive through the batch, even if a
     * callback drops the application's last one. */
    GThread *previous = g_atomic_pointer_exchange(&queue->running_thread, g_thread_self());
    size_t count = url__job_list_run(&batch);
    g_atomic_pointer_set(&queue->running_thread, previous);
    g_mutex_unlock(&queue->dispatch_lock);
    url_queue_unref(queue);
    return count;
}

bool url_queue_wait(UrlQueue *queue, double timeout_seconds)
{
    g_return_val_if_fail(queue != NULL && queue->kind == URL_QUEUE_MANUAL, false);
    struct pollfd pfd = {.fd = queue->event_fd, .events = POLLIN};
    int timeout_ms = timeout_seconds < 0 ? -1 : (int)(timeout_seconds * 1000.0 + 0.5);
    for (;;) {
        int n = poll(&pfd, 1, timeout_ms);
        if (n >= 0)
            return n > 0;
        if (errno != EINTR)
            return false;
    }
}

UrlQueueKind url__queue_get_kind(UrlQueue *queue)
{
    return queue->kind;
}

gboolean url__queue_is_current(UrlQueue *queue)
{
    switch (queue->kind) {
    case URL_QUEUE_SERIAL:
        /* The thread runs nothing but the queue's callbacks. */
        return queue->serial->thread == g_thread_self();
    case URL_QUEUE_MANUAL:
        return g_atomic_pointer_get(&queue->running_thread) == g_thread_self();
    case URL_QUEUE_GLIB:
        return url__job_source_is_current(queue->glib_jobs);
    }
    return FALSE;
}

GMainContext *url__queue_get_context(UrlQueue *queue)
{
    return queue->kind == URL_QUEUE_GLIB ? queue->context : NULL;
}
