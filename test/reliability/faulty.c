/* faulty.c — starting faulty_server.py and running one task against it. */
#include "faulty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef URL_TEST_SOURCE_DIR
#error "URL_TEST_SOURCE_DIR must name the project's source directory"
#endif

#define FAULTY_SCRIPT URL_TEST_SOURCE_DIR "/test/reliability/faulty_server.py"

static const char *const listener_keys[FAULTY_LISTENER_COUNT] = {
    "\"http\"", "\"tls_alert\"", "\"tls_other_name\"", "\"h2_goaway\"", "\"h2_rst\"",
};

static int ports[FAULTY_LISTENER_COUNT];
static gboolean started;

/* The server reads its stdin until EOF: the pipe's write end stays open (close-on-exec in
 * later children) for as long as this process lives, so the server ends with us. */
static void faulty_start(void)
{
    if (started)
        return;
    g_autofree char *server_dir = g_path_get_dirname(it_ca_file());
    g_autofree char *ca_key = g_build_filename(server_dir, "tls", "ca.key", NULL);
    const char *argv[] = {"/usr/bin/python3", FAULTY_SCRIPT, "--ca-cert", it_ca_file(),
                          "--ca-key",         ca_key,        NULL};
    int in_fd = -1, out_fd = -1;
    GError *error = NULL;
    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                  &in_fd, &out_fd, NULL, &error))
        g_error("cannot start %s: %s", FAULTY_SCRIPT, error->message);
    FILE *out = fdopen(out_fd, "r");
    char line[512] = "";
    if (fgets(line, sizeof line, out) == NULL)
        g_error("faulty_server.py printed no ports");
    fclose(out);
    for (int i = 0; i < FAULTY_LISTENER_COUNT; i++) {
        const char *key = strstr(line, listener_keys[i]);
        g_assert_nonnull(key);
        ports[i] = atoi(strchr(key, ':') + 1);
        g_assert_cmpint(ports[i], >, 0);
    }
    started = TRUE;
    (void)in_fd; /* kept open on purpose, see above */
}

char *faulty_url(FaultyListener listener, const char *scheme, const char *path)
{
    faulty_start();
    return g_strdup_printf("%s://127.0.0.1:%d%s", scheme, ports[listener], path);
}

double faulty_now(void)
{
    return (double)g_get_monotonic_time() / G_USEC_PER_SEC;
}

void faulty_run(UrlSession *session, const char *url, double timeout, ItCompletion *result)
{
    UrlRequest *request = url_request_new(url);
    g_assert_nonnull(request);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, it_data_completion, result);
    url_request_unref(request);
    url_session_task_resume(task);
    if (!url_session_task_wait(task, timeout))
        g_error("%s did not complete within %g s", url, timeout);
    g_mutex_lock(&result->lock);
    guint calls = result->calls;
    g_mutex_unlock(&result->lock);
    g_assert_cmpuint(calls, ==, 1);
    g_test_message("%s: %s", url, result->error ? url_error_get_message(result->error) : "success");
    url_session_task_unref(task);
}
