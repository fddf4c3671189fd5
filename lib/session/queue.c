/* queue.c — delegate queues: serial (own thread), manual (fd + dispatch) and GLib.
 *
 * All three keep one FIFO, so a session's callbacks run one at a time in the order the
 * network thread produced them; that order is what makes "data before did_complete" and
 * "did_become_invalid last" hold. */
#include "session/queue.h"

#include <urlsession/glib.h>

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

typedef struct {
    UrlJobFunc func;
    void *data;
    GDestroyNotify destroy;
} QueuedJob;

/* A serial queue's thread owns this state, so the last UrlQueue reference can be dropped
 * on that very thread (inside a callback) without joining itself. */
typedef struct {
    int ref_count;
    GAsyncQueue *jobs; /* QueuedJob*; a job with func == NULL tells the thread to end */
    GThread *thread;
} SerialState;

struct UrlQueue {
    int ref_count;
    UrlQueueKind kind;
    GThread *running_thread; /* the thread inside a dispatch, for url__queue_is_current */
    /* serial */
    SerialState *serial;
    /* manual */
    GMutex lock;
    GQueue manual_jobs;
    int event_fd;
    GMutex dispatch_lock; /* one dispatcher at a time keeps callbacks serial and in order */
    /* glib */
    GMainContext *context;
    UrlJobSource *glib_jobs;
};

static void queued_job_free(QueuedJob *job)
{
    if (job->destroy)
        job->destroy(job->data);
    g_free(job);
}

static void serial_state_unref(SerialState *state)
{
    if (!g_atomic_int_dec_and_test(&state->ref_count))
        return;
    g_async_queue_unref(state->jobs);
    g_free(state);
}

static gpointer serial_thread_main(gpointer data)
{
    SerialState *state = data;
    for (;;) {
        QueuedJob *job = g_async_queue_pop(state->jobs);
        if (job->func == NULL) {
            g_free(job);
            break;
        }
        job->func(job->data);
        queued_job_free(job);
    }
    serial_state_unref(state);
    return NULL;
}

UrlQueue *url_queue_new_serial(const char *name)
{
    UrlQueue *queue = g_new0(UrlQueue, 1);
    queue->ref_count = 1;
    queue->kind = URL_QUEUE_SERIAL;
    SerialState *state = g_new0(SerialState, 1);
    state->ref_count = 2; /* the queue and the thread */
    state->jobs = g_async_queue_new();
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
    g_queue_init(&queue->manual_jobs);
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
        g_async_queue_push(state->jobs, g_new0(QueuedJob, 1));
        g_thread_unref(state->thread);
        serial_state_unref(state);
        break;
    }
    case URL_QUEUE_MANUAL: {
        QueuedJob *job;
        while ((job = g_queue_pop_head(&queue->manual_jobs)))
            queued_job_free(job);
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

/* Records which thread runs the queue's callbacks while @func runs. */
typedef struct {
    UrlQueue *queue;
    UrlJobFunc func;
    void *data;
    GDestroyNotify destroy;
} TrackedJob;

static void tracked_job_run(void *data)
{
    TrackedJob *job = data;
    /* The callback may drop the last reference to the queue (a session released inside
     * its own callback); keep it alive until the bookkeeping below is done. */
    UrlQueue *queue = url_queue_ref(job->queue);
    GThread *previous = g_atomic_pointer_exchange(&queue->running_thread, g_thread_self());
    job->func(job->data);
    g_atomic_pointer_set(&queue->running_thread, previous);
    url_queue_unref(queue);
}

static void tracked_job_free(void *data)
{
    TrackedJob *job = data;
    if (job->destroy)
        job->destroy(job->data);
    g_free(job);
}

void url__queue_push(UrlQueue *queue, UrlJobFunc func, void *data, GDestroyNotify destroy)
{
    TrackedJob *tracked = g_new(TrackedJob, 1);
    tracked->queue = queue;
    tracked->func = func;
    tracked->data = data;
    tracked->destroy = destroy;
    QueuedJob *job;
    switch (queue->kind) {
    case URL_QUEUE_SERIAL:
        job = g_new(QueuedJob, 1);
        job->func = tracked_job_run;
        job->data = tracked;
        job->destroy = tracked_job_free;
        g_async_queue_push(queue->serial->jobs, job);
        break;
    case URL_QUEUE_MANUAL: {
        job = g_new(QueuedJob, 1);
        job->func = tracked_job_run;
        job->data = tracked;
        job->destroy = tracked_job_free;
        g_mutex_lock(&queue->lock);
        g_queue_push_tail(&queue->manual_jobs, job);
        gboolean first = queue->manual_jobs.length == 1;
        g_mutex_unlock(&queue->lock);
        if (first) {
            uint64_t one = 1;
            ssize_t written = write(queue->event_fd, &one, sizeof one);
            (void)written; /* EAGAIN means the counter is already non-zero: still readable */
        }
        break;
    }
    case URL_QUEUE_GLIB:
        url__job_source_push(queue->glib_jobs, tracked_job_run, tracked, tracked_job_free);
        break;
    }
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
    GQueue batch = queue->manual_jobs;
    g_queue_init(&queue->manual_jobs);
    uint64_t counter;
    ssize_t got = read(queue->event_fd, &counter, sizeof counter);
    (void)got; /* EAGAIN: nothing was signalled, which is fine */
    g_mutex_unlock(&queue->lock);

    size_t count = 0;
    QueuedJob *job;
    while ((job = g_queue_pop_head(&batch))) {
        job->func(job->data);
        queued_job_free(job);
        count++;
    }
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
    return g_atomic_pointer_get(&queue->running_thread) == g_thread_self();
}

GMainContext *url__queue_get_context(UrlQueue *queue)
{
    return queue->kind == URL_QUEUE_GLIB ? queue->context : NULL;
}
