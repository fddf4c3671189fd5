/* network_thread.c — the process's one network thread, started on first use.
 *
 * It runs for the life of the process: sessions come and go, but a thread per session
 * would cost a stack and a context switch per event. curl_global_init() runs here once,
 * before any other thread can use curl through the library. */
#include "http/network_thread.h"

#include <curl/curl.h>

static GMainContext *network_context;
static UrlJobSource *network_jobs;
static GThread *network_thread;

static gpointer network_thread_main(gpointer data)
{
    g_main_context_push_thread_default(network_context);
    GMainLoop *loop = g_main_loop_new(network_context, FALSE);
    g_main_loop_run(loop);
    return NULL;
}

static void network_thread_start_once(void)
{
    static gsize started = 0;
    if (g_once_init_enter(&started)) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        network_context = g_main_context_new();
        network_jobs = url__job_source_new(network_context, "urlsession network jobs");
        network_thread = g_thread_new("url-network", network_thread_main, NULL);
        g_once_init_leave(&started, 1);
    }
}

GMainContext *url__network_context(void)
{
    network_thread_start_once();
    return network_context;
}

void url__network_invoke(UrlJobFunc func, void *data, GDestroyNotify destroy)
{
    network_thread_start_once();
    url__job_source_push(network_jobs, func, data, destroy);
}

gboolean url__network_is_current_thread(void)
{
    return network_thread != NULL && g_thread_self() == network_thread;
}
