/* job_source.c — a GSource that runs closures pushed from any thread, in push order.
 *
 * g_main_context_invoke() would run a closure immediately when called on the context's
 * own thread; that re-enters callers (the HTTP driver cancelling from inside a curl
 * callback, say). Pushing here always defers, and keeps one FIFO so events for a task
 * arrive in the order they were produced. */
#include "http/job_source.h"

typedef struct {
    UrlJobFunc func;
    void *data;
    GDestroyNotify destroy;
} UrlJob;

struct UrlJobSource {
    GSource source;
    GMutex lock;
    GQueue jobs;  /* of UrlJob*, guarded by lock */
    gint pending; /* atomic; set with the first job, cleared when the jobs are taken */
    GMainContext *context;
};

/* prepare and check read a flag: g_source_set_ready_time() would write the context's
 * wakeup eventfd on every change, clearing included. */
static gboolean job_source_prepare(GSource *source, gint *timeout)
{
    *timeout = -1;
    return g_atomic_int_get(&((UrlJobSource *)source)->pending);
}

static gboolean job_source_check(GSource *source)
{
    return g_atomic_int_get(&((UrlJobSource *)source)->pending);
}

static gboolean job_source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    url__job_source_run_pending((UrlJobSource *)source);
    return G_SOURCE_CONTINUE;
}

static void job_free(UrlJob *job)
{
    if (job->destroy)
        job->destroy(job->data);
    g_free(job);
}

static void job_source_finalize(GSource *source)
{
    UrlJobSource *self = (UrlJobSource *)source;
    UrlJob *job;
    while ((job = g_queue_pop_head(&self->jobs)))
        job_free(job);
    g_mutex_clear(&self->lock);
    g_main_context_unref(self->context);
}

static GSourceFuncs job_source_funcs = {
    .prepare = job_source_prepare,
    .check = job_source_check,
    .dispatch = job_source_dispatch,
    .finalize = job_source_finalize,
};

UrlJobSource *url__job_source_new(GMainContext *context, const char *name)
{
    UrlJobSource *self = (UrlJobSource *)g_source_new(&job_source_funcs, sizeof(UrlJobSource));
    g_mutex_init(&self->lock);
    g_queue_init(&self->jobs);
    g_source_set_name(&self->source, name);
    g_source_set_can_recurse(&self->source, FALSE);
    self->context = g_main_context_ref(context);
    g_source_attach(&self->source, context);
    return self;
}

void url__job_source_push(UrlJobSource *self, UrlJobFunc func, void *data, GDestroyNotify destroy)
{
    UrlJob *job = g_new(UrlJob, 1);
    job->func = func;
    job->data = data;
    job->destroy = destroy;
    g_mutex_lock(&self->lock);
    g_queue_push_tail(&self->jobs, job);
    gboolean first = self->jobs.length == 1;
    if (first)
        g_atomic_int_set(&self->pending, 1);
    g_mutex_unlock(&self->lock);
    /* The context may be asleep in poll, on another thread: wake it once per batch. Its
     * own thread prepares again before it sleeps. */
    if (first && !g_main_context_is_owner(self->context))
        g_main_context_wakeup(self->context);
}

size_t url__job_source_run_pending(UrlJobSource *self)
{
    GQueue batch = G_QUEUE_INIT;
    g_mutex_lock(&self->lock);
    batch = self->jobs;
    g_queue_init(&self->jobs);
    g_atomic_int_set(&self->pending, 0);
    g_mutex_unlock(&self->lock);

    size_t count = 0;
    UrlJob *job;
    while ((job = g_queue_pop_head(&batch))) {
        job->func(job->data);
        job_free(job);
        count++;
    }
    return count;
}

gboolean url__job_source_has_pending(UrlJobSource *self)
{
    g_mutex_lock(&self->lock);
    gboolean pending = self->jobs.length > 0;
    g_mutex_unlock(&self->lock);
    return pending;
}

void url__job_source_destroy(UrlJobSource *self)
{
    g_source_destroy(&self->source);
    g_source_unref(&self->source);
}
