/* network_thread.c — the process's one network thread, started on first use.
 *
 * It runs for the life of the process: sessions come and go, but a thread per session
 * would cost a stack and a context switch per event. curl_global_init() runs here once,
 * before any other thread can use curl through the library. */
#include "http/network_thread.h"

#include <stdlib.h>

#include <curl/curl.h>

static GMainContext *network_context;
static UrlJobSource *network_jobs;
static GThread *network_thread;
static GMainLoop *network_loop;

static gpointer network_thread_main(gpointer data)
{
    g_main_context_push_thread_default(network_context);
    g_main_loop_run(network_loop);
    g_main_context_pop_thread_default(network_context);
    return NULL;
}

static void quit_loop(void *data)
{
    g_main_loop_quit(network_loop);
}

/* At exit, OpenSSL's own atexit handler (registered inside curl_global_init) tears down
 * its locks; the network thread must not be inside curl then. This handler is registered
 * after curl_global_init, so it runs first: it stops the loop and joins the thread.
 * Nothing of the library runs on the network thread after that; the process is ending. */
static void stop_network_thread(void)
{
    if (network_thread == NULL || g_thread_self() == network_thread)
        return;
    url__job_source_push(network_jobs, quit_loop, NULL, NULL);
    g_thread_join(network_thread);
    network_thread = NULL;
}

static void network_thread_start_once(void)
{
    static gsize started = 0;
    if (g_once_init_enter(&started)) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        network_context = g_main_context_new();
        network_loop = g_main_loop_new(network_context, FALSE);
        network_jobs = url__job_source_new(network_context, "urlsession network jobs");
        network_thread = g_thread_new("url-network", network_thread_main, NULL);
        atexit(stop_network_thread);
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
