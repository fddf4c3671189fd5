/* job_source.h — a GSource that runs closures pushed from any thread, in push order. */
#ifndef URL_HTTP_JOB_SOURCE_H
#define URL_HTTP_JOB_SOURCE_H

#include <glib.h>

typedef void (*UrlJobFunc)(void *data);

/* A queued job, embedded (first) in the caller's own struct: queuing it allocates
 * nothing more, and queues link jobs through @next. @run runs it; @free (nullable)
 * releases it after the run, or when it is dropped without running. */
typedef struct UrlJob UrlJob;
struct UrlJob {
    UrlJob *next;
    void (*run)(UrlJob *job);
    void (*free)(UrlJob *job);
};

/* A FIFO of jobs linked through their @next; the owner guards it. */
typedef struct {
    UrlJob *head, *tail;
} UrlJobList;

static inline void url__job_list_append(UrlJobList *list, UrlJob *job)
{
    job->next = NULL;
    if (list->tail)
        list->tail->next = job;
    else
        list->head = job;
    list->tail = job;
}

/* Runs and frees every job of @list, in order; returns how many ran. */
size_t url__job_list_run(UrlJobList *list);

/* Frees every job of @list without running it. */
void url__job_list_drop(UrlJobList *list);

/* A job that calls @func(@data), then @destroy(@data) (nullable): one allocation. */
UrlJob *url__job_new(UrlJobFunc func, void *data, GDestroyNotify destroy);

typedef struct UrlJobSource UrlJobSource;

/* Creates the source and attaches it to @context (NULL: the global default context). */
UrlJobSource *url__job_source_new(GMainContext *context, const char *name);

/* Queues @job to run on @context's thread. Never runs it inside this call, even on the
 * context's own thread, so callers never re-enter. The source owns @job from now on. */
void url__job_source_push_job(UrlJobSource *source, UrlJob *job);

/* Queues @func(@data) to run on @context's thread; @destroy (nullable) frees @data after
 * the run, or when the source is destroyed with the job still pending. */
void url__job_source_push(UrlJobSource *source, UrlJobFunc func, void *data,
                          GDestroyNotify destroy);

/* Runs the jobs pending now (those pushed later wait for the next round). Returns how
 * many ran. For contexts driven by hand. */
size_t url__job_source_run_pending(UrlJobSource *source);

/* Whether jobs are pending. */
gboolean url__job_source_has_pending(UrlJobSource *source);

/* Whether the calling thread is running this source's jobs right now. */
gboolean url__job_source_is_current(UrlJobSource *source);

/* Detaches and frees the source; pending jobs are dropped (their free runs). */
void url__job_source_destroy(UrlJobSource *source);

#endif
