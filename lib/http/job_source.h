/* job_source.h — a GSource that runs closures pushed from any thread, in push order. */
#ifndef URL_HTTP_JOB_SOURCE_H
#define URL_HTTP_JOB_SOURCE_H

#include <glib.h>

typedef void (*UrlJobFunc)(void *data);

typedef struct UrlJobSource UrlJobSource;

/* Creates the source and attaches it to @context (NULL: the global default context). */
UrlJobSource *url__job_source_new(GMainContext *context, const char *name);

/* Queues @func(@data) to run on @context's thread; @destroy (nullable) frees @data after
 * the run, or when the source is destroyed with the job still pending. Never runs @func
 * inside this call, even on the context's own thread, so callers never re-enter. */
void url__job_source_push(UrlJobSource *source, UrlJobFunc func, void *data,
                          GDestroyNotify destroy);

/* Runs the jobs pending now (those pushed later wait for the next round). Returns how
 * many ran. For contexts driven by hand. */
size_t url__job_source_run_pending(UrlJobSource *source);

/* Whether jobs are pending. */
gboolean url__job_source_has_pending(UrlJobSource *source);

/* Detaches and frees the source; pending jobs are dropped (their destroy runs). */
void url__job_source_destroy(UrlJobSource *source);

#endif
