/* job_source.c — a GSource that runs closures pushed from any thread, in push order.
 *
 * g_main_context_invoke() would run a closure immediately when called on the context's
 * own thread; that re-enters callers (the HTTP driver cancelling from inside a curl
 * callback, say). Pushing here always defers, and keeps one FIFO so events for a task
 * arrive in the order they were produced.
 *
 * Jobs are intrusive (UrlJob embedded in the caller's struct) so that a push allocates
 * nothing, and the context's wakeup eventfd is written only when its thread may be
 * asleep in poll: a busy loop prepares again before it sleeps and finds the jobs. */
#include "http/job_source.h"

struct UrlJobSource {
    GSource source;
    GMutex lock;
    UrlJobList jobs; /* guarded by lock */
    gint pending;    /* atomic; set with the first job, cleared when the jobs are taken */
    /* atomic; set by prepare before it reads pending, cleared by check and by the push
     * that wakes the context. With both sequentially consistent, either prepare sees a
     * job pushed meanwhile or the push sees the flag and writes the eventfd. */
    gint may_sleep;
    GThread *running_thread; /* the thread inside run_pending, for is_current */
    GMainContext *context;
};

size_t url__job_list_run(UrlJobList *list)
{
    size_t count = 0;
    UrlJob *job = list->head;
    list->head = list->tail = NULL;
    while (job) {
        UrlJob *next = job->next;
        job->run(job);
        if (job->free)
            job->free(job);
        job = next;
        count++;
    }
    return count;
}

void url__job_list_drop(UrlJobList *list)
{
    UrlJob *job = list->head;
    list->head = list->tail = NULL;
    while (job) {
        UrlJob *next = job->next;
        if (job->free)
            job->free(job);
        job = next;
    }
}

typedef struct {
    UrlJob job;
    UrlJobFunc func;
    void *data;
    GDestroyNotify destroy;
} ClosureJob;

static void closure_job_run(UrlJob *job)
{
    ClosureJob *self = (ClosureJob *)job;
    self->func(self->data);
}

static void closure_job_free(UrlJob *job)
{
    ClosureJob *self = (ClosureJob *)job;
    if (self->destroy)
        self->destroy(self->data);
    g_free(self);
}

UrlJob *url__job_new(UrlJobFunc func, void *data, GDestroyNotify destroy)
{
    ClosureJob *self = g_new(ClosureJob, 1);
    self->job.next = NULL;
    self->job.run = closure_job_run;
    self->job.free = closure_job_free;
    self->func = func;
    self->data = data;
    self->destroy = destroy;
    return &self->job;
}

/* prepare and check read a flag: g_source_set_ready_time() would write the context's
 * wakeup eventfd on every change, clearing included. */
static gboolean job_source_prepare(GSource *source, gint *timeout)
{
    UrlJobSource *self = (UrlJobSource *)source;
    *timeout = -1;
    g_atomic_int_set(&self->may_sleep, 1);
    if (!g_atomic_int_get(&self->pending))
        return FALSE;
    g_atomic_int_set(&self->may_sleep, 0);
    return TRUE;
}

static gboolean job_source_check(GSource *source)
{
    UrlJobSource *self = (UrlJobSource *)source;
    g_atomic_int_set(&self->may_sleep, 0);
    return g_atomic_int_get(&self->pending);
}

static gboolean job_source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    url__job_source_run_pending((UrlJobSource *)source);
    return G_SOURCE_CONTINUE;
}

static void job_source_finalize(GSource *source)
{
    UrlJobSource *self = (UrlJobSource *)source;
    url__job_list_drop(&self->jobs);
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
    /* Until its first prepare, assume the context's thread may be asleep. */
    self->may_sleep = 1;
    g_source_set_name(&self->source, name);
    g_source_set_can_recurse(&self->source, FALSE);
    self->context = g_main_context_ref(context);
    g_source_attach(&self->source, context);
    return self;
}

void url__job_source_push_job(UrlJobSource *self, UrlJob *job)
{
    g_mutex_lock(&self->lock);
    url__job_list_append(&self->jobs, job);
    g_atomic_int_set(&self->pending, 1);
    g_mutex_unlock(&self->lock);
    /* Once per sleep: the push that clears the flag writes the eventfd. */
    if (g_atomic_int_compare_and_exchange(&self->may_sleep, 1, 0))
        g_main_context_wakeup(self->context);
}

void url__job_source_push(UrlJobSource *self, UrlJobFunc func, void *data, GDestroyNotify destroy)
{
    url__job_source_push_job(self, url__job_new(func, data, destroy));
}

size_t url__job_source_run_pending(UrlJobSource *self)
{
    g_mutex_lock(&self->lock);
    UrlJobList batch = self->jobs;
    self->jobs.head = self->jobs.tail = NULL;
    g_atomic_int_set(&self->pending, 0);
    g_mutex_unlock(&self->lock);

    /* The source stays alive through the batch (GLib holds it while dispatching), even
     * if a job destroys it. */
    GThread *previous = g_atomic_pointer_exchange(&self->running_thread, g_thread_self());
    size_t count = url__job_list_run(&batch);
    g_atomic_pointer_set(&self->running_thread, previous);
    return count;
}

gboolean url__job_source_has_pending(UrlJobSource *self)
{
    return g_atomic_int_get(&self->pending);
}

gboolean url__job_source_is_current(UrlJobSource *self)
{
    return g_atomic_pointer_get(&self->running_thread) == g_thread_self();
}

void url__job_source_destroy(UrlJobSource *self)
{
    g_source_destroy(&self->source);
    g_source_unref(&self->source);
}
