/* test_scheduling.c — the scheduling hints and the body-stream renewal: earliest begin
 * date with will_begin_delayed_request (continue, new request, cancel), a stream body
 * re-sent on a 307 through need_new_body_stream, the client's expected byte counts, and
 * priority. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* Hops of one origin in libcurl with one connection per host (lib/session/task_admission.h). */
#define URL__TEST_ADMITTED 100

/* A small delegate of this file's own: it records what these tests look at. */
typedef struct {
    GMutex lock;
    int delayed_calls;
    char *delayed_url;
    UrlDelayedRequestDisposition answer;
    char *replacement_url;
    int stream_calls;
    bool give_stream;
    GString *body;
    int completions;
    int error_code;
    double completed_at;
} Probe;

static void probe_init(Probe *p)
{
    memset(p, 0, sizeof *p);
    g_mutex_init(&p->lock);
    p->body = g_string_new(NULL);
}

static void probe_clear(Probe *p)
{
    g_free(p->delayed_url);
    g_free(p->replacement_url);
    g_string_free(p->body, TRUE);
    g_mutex_clear(&p->lock);
}

static double now(void)
{
    return (double)g_get_real_time() / G_USEC_PER_SEC;
}

static void on_delayed(UrlSession *s, UrlSessionTask *t, UrlRequest *request,
                       UrlDelayedRequestHandler *handler, void *data)
{
    Probe *p = data;
    p->delayed_calls++;
    g_free(p->delayed_url);
    p->delayed_url = g_strdup(url_request_get_url(request));
    UrlRequest *replacement = p->replacement_url ? url_request_new(p->replacement_url) : NULL;
    url_delayed_request_handler_complete(handler, p->answer, replacement);
    url_request_unref(replacement);
}

#define STREAM_BODY "stream body sent twice"

static gpointer write_stream(gpointer data)
{
    UrlInputStream *stream = data;
    url_input_stream_write(stream, STREAM_BODY, strlen(STREAM_BODY), 10);
    url_input_stream_close_write(stream);
    url_input_stream_unref(stream);
    return NULL;
}

static void on_need_stream(UrlSession *s, UrlSessionTask *t, UrlBodyStreamHandler *handler,
                           void *data)
{
    Probe *p = data;
    p->stream_calls++;
    if (!p->give_stream) {
        url_body_stream_handler_complete(handler, NULL);
        return;
    }
    UrlInputStream *stream = url_input_stream_new_pipe(0);
    url_body_stream_handler_complete(handler, stream);
    g_thread_unref(g_thread_new("stream-writer", write_stream, stream));
}

static void on_data(UrlSession *s, UrlSessionTask *t, const void *d, size_t n, void *data)
{
    Probe *p = data;
    g_string_append_len(p->body, d, (gssize)n);
}

static void on_complete(UrlSession *s, UrlSessionTask *t, const UrlError *error, void *data)
{
    Probe *p = data;
    p->completions++;
    p->error_code = error ? url_error_get_code(error) : 0;
    p->completed_at = now();
}

static const UrlSessionDelegate probe_delegate = {
    .will_begin_delayed_request = on_delayed,
    .need_new_body_stream = on_need_stream,
    .data_did_receive_data = on_data,
    .did_complete = on_complete,
};

static UrlSession *probe_session(Probe *p, const UrlSessionDelegate *delegate)
{
    UrlSessionConfiguration *configuration = it_configuration_new(IT_HTTP);
    UrlSession *session = url_session_new(configuration, delegate, p, NULL);
    url_session_configuration_unref(configuration);
    return session;
}

/* Runs a task that may not begin before now + @delay; returns when it began relative to
 * its resume (by the completion time of a fast request). */
static double run_delayed(Probe *p, const UrlSessionDelegate *delegate, const char *path,
                          double delay)
{
    UrlSession *session = probe_session(p, delegate);
    g_autofree char *url = it_url(IT_HTTP, path);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    double resumed = now();
    url_session_task_set_earliest_begin_date(task, resumed + delay);
    g_assert_cmpfloat(url_session_task_get_earliest_begin_date(task), ==, resumed + delay);
    url_session_task_resume(task);
    g_assert_true(url_session_task_wait(task, 30));
    g_assert_cmpint(p->completions, ==, 1);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
    return p->completed_at - resumed;
}

static void test_begin_date_continue(void)
{
    Probe p;
    probe_init(&p);
    p.answer = URL_DELAYED_REQUEST_CONTINUE_LOADING;
    double took = run_delayed(&p, &probe_delegate, "/method", 0.8);
    g_assert_cmpfloat(took, >=, 0.75);
    g_assert_cmpfloat(took, <, 5.0);
    g_assert_cmpint(p.delayed_calls, ==, 1);
    g_assert_nonnull(strstr(p.delayed_url, "/method"));
    g_assert_cmpint(p.error_code, ==, 0);
    g_assert_cmpstr(p.body->str, ==, "GET\n");
    probe_clear(&p);
}

static void test_begin_date_new_request(void)
{
    Probe p;
    probe_init(&p);
    p.answer = URL_DELAYED_REQUEST_USE_NEW_REQUEST;
    p.replacement_url = it_url(IT_HTTP, "/files/small.txt");
    run_delayed(&p, &probe_delegate, "/method", 0.3);
    g_assert_cmpint(p.delayed_calls, ==, 1);
    g_assert_cmpint(p.error_code, ==, 0);
    g_assert_cmpstr(p.body->str, ==, "hello world\n");
    probe_clear(&p);
}

static void test_begin_date_cancel(void)
{
    Probe p;
    probe_init(&p);
    p.answer = URL_DELAYED_REQUEST_CANCEL;
    run_delayed(&p, &probe_delegate, "/method", 0.3);
    g_assert_cmpint(p.delayed_calls, ==, 1);
    g_assert_cmpint(p.error_code, ==, URL_ERROR_CANCELLED);
    g_assert_cmpuint(p.body->len, ==, 0);
    probe_clear(&p);
}

/* Without will_begin_delayed_request the task simply starts at the date. */
static void test_begin_date_without_delegate_method(void)
{
    Probe p;
    probe_init(&p);
    UrlSessionDelegate delegate = probe_delegate;
    delegate.will_begin_delayed_request = NULL;
    double took = run_delayed(&p, &delegate, "/method", 0.5);
    g_assert_cmpfloat(took, >=, 0.45);
    g_assert_cmpint(p.error_code, ==, 0);
    g_assert_cmpstr(p.body->str, ==, "GET\n");
    probe_clear(&p);
}

/* A date in the past does not delay anything and asks nothing. */
static void test_begin_date_in_the_past(void)
{
    Probe p;
    probe_init(&p);
    double took = run_delayed(&p, &probe_delegate, "/method", -60);
    g_assert_cmpfloat(took, <, 5.0);
    g_assert_cmpint(p.delayed_calls, ==, 0);
    g_assert_cmpstr(p.body->str, ==, "GET\n");
    probe_clear(&p);
}

/* A 307 keeps method and body: a stream body that was read must come again. */
static int run_stream_redirect(Probe *p)
{
    UrlSession *session = probe_session(p, &probe_delegate);
    g_autofree char *url = it_url(IT_HTTP, "/redirect/307?to=/echo");
    UrlRequest *request = url_request_new(url);
    url_request_set_method(request, "POST", NULL);
    UrlInputStream *stream = url_input_stream_new_pipe(0);
    UrlSessionTask *task =
        url_session_upload_task_with_stream(session, request, stream, (int64_t)strlen(STREAM_BODY));
    /* The whole body is buffered before the start, so the first hop surely reads it. */
    write_stream(url_input_stream_ref(stream));
    url_session_task_resume(task);
    g_assert_true(url_session_task_wait(task, 30));
    g_assert_cmpint(p->completions, ==, 1);
    url_input_stream_unref(stream);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
    return p->error_code;
}

static void test_redirect_asks_for_new_stream(void)
{
    Probe p;
    probe_init(&p);
    p.give_stream = true;
    g_assert_cmpint(run_stream_redirect(&p), ==, 0);
    g_assert_cmpint(p.stream_calls, ==, 1);
    g_assert_cmpstr(p.body->str, ==, STREAM_BODY);
    probe_clear(&p);
}

static void test_redirect_without_new_stream_fails(void)
{
    Probe p;
    probe_init(&p);
    p.give_stream = false;
    g_assert_cmpint(run_stream_redirect(&p), ==, URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED);
    g_assert_cmpint(p.stream_calls, ==, 1);
    probe_clear(&p);
}

/* The client's estimate stands until the server's Content-Length is known. */
static void test_expected_counts(void)
{
    Probe p;
    probe_init(&p);
    UrlSession *session = probe_session(&p, &probe_delegate);
    g_autofree char *url = it_url(IT_HTTP, "/files/1m.bin");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    g_assert_cmpint(url_session_task_get_count_of_bytes_expected_to_receive(task), ==, -1);
    g_assert_cmpfloat(url_session_task_get_progress(task), ==, -1);
    url_session_task_set_count_of_bytes_client_expects_to_receive(task, 4096);
    url_session_task_set_count_of_bytes_client_expects_to_send(task, 10);
    g_assert_cmpint(url_session_task_get_count_of_bytes_expected_to_receive(task), ==, 4096);
    g_assert_cmpint(url_session_task_get_count_of_bytes_expected_to_send(task), ==, 10);
    url_session_task_resume(task);
    g_assert_true(url_session_task_wait(task, 30));
    g_assert_cmpint(url_session_task_get_count_of_bytes_expected_to_receive(task), ==, 1048576);
    g_assert_cmpint(url_session_task_get_count_of_bytes_received(task), ==, 1048576);
    g_assert_cmpfloat(url_session_task_get_progress(task), ==, 1.0);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
    probe_clear(&p);
}

static void test_priority(void)
{
    Probe p;
    probe_init(&p);
    UrlSession *session = probe_session(&p, &probe_delegate);
    g_autofree char *url = it_url(IT_HTTP, "/method");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    g_assert_cmpfloat(url_session_task_get_priority(task), ==, URL_TASK_PRIORITY_DEFAULT);
    url_session_task_set_priority(task, URL_TASK_PRIORITY_HIGH);
    g_assert_cmpfloat(url_session_task_get_priority(task), ==, URL_TASK_PRIORITY_HIGH);
    if (g_test_undefined()) {
        g_test_expect_message("urlsession", G_LOG_LEVEL_WARNING, "*priority*outside*");
        url_session_task_set_priority(task, 2.0f);
        g_test_assert_expected_messages();
        g_assert_cmpfloat(url_session_task_get_priority(task), ==, URL_TASK_PRIORITY_HIGH);
    }
    url_session_task_resume(task);
    g_assert_true(url_session_task_wait(task, 30));
    g_assert_cmpint(p.error_code, ==, 0);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
    probe_clear(&p);
}

/* ---- admission: hops beyond what an origin's connections carry wait in the session ---- */

typedef struct {
    GMutex lock;
    GCond changed;
    int completed;
    int failed;
    GString *order; /* names of the named tasks, in completion order */
} Admission;

static void admission_init(Admission *a)
{
    memset(a, 0, sizeof *a);
    g_mutex_init(&a->lock);
    g_cond_init(&a->changed);
    a->order = g_string_new(NULL);
}

static void admission_clear(Admission *a)
{
    g_string_free(a->order, TRUE);
    g_cond_clear(&a->changed);
    g_mutex_clear(&a->lock);
}

/* A session allowed one connection per host: 100 hops per origin reach libcurl. */
static UrlSession *admission_session_new(ItProto proto, UrlHttpVersion version)
{
    UrlSessionConfiguration *configuration = it_configuration_new(proto);
    url_session_configuration_set_max_connections_per_host(configuration, 1);
    url_session_configuration_set_http_version(configuration, version);
    UrlSession *session = url_session_new(configuration, NULL, NULL, NULL);
    url_session_configuration_unref(configuration);
    return session;
}

static void admission_done(UrlSessionTask *task, const void *data, size_t length,
                           const UrlResponse *response, const UrlError *error, void *user_data)
{
    Admission *a = user_data;
    char *name = url_session_task_get_description(task);
    g_mutex_lock(&a->lock);
    a->completed++;
    if (error && url_error_get_code(error) != URL_ERROR_CANCELLED)
        a->failed++;
    if (name && name[0] != '\0')
        g_string_append(a->order, name);
    g_cond_broadcast(&a->changed);
    g_mutex_unlock(&a->lock);
    free(name);
}

static UrlSessionTask *admission_task(UrlSession *session, const char *url, Admission *a,
                                      const char *name, float priority)
{
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, admission_done, a);
    url_request_unref(request);
    if (name)
        url_session_task_set_description(task, name);
    url_session_task_set_priority(task, priority);
    url_session_task_resume(task);
    return task;
}

/* Waits until @completed tasks, @named of them named, completed. */
static bool admission_wait(Admission *a, int completed, size_t named, double seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    g_mutex_lock(&a->lock);
    while ((a->completed < completed || a->order->len < named) &&
           g_cond_wait_until(&a->changed, &a->lock, deadline))
        ;
    bool reached = a->completed >= completed && a->order->len >= named;
    g_mutex_unlock(&a->lock);
    return reached;
}

/* With one connection per host, 100 hops of an origin reach libcurl: over HTTP/2 all 100
 * run as streams of that connection. Three more wait in the session and start one per
 * place given back, highest priority first, whatever order they were resumed in; a
 * request to another origin of the same session is held up by none of them. */
static void test_admission_order(void)
{
    Admission a;
    admission_init(&a);
    UrlSession *session = admission_session_new(IT_HTTPS, URL_HTTP_VERSION_2);

    g_autofree char *slow = it_url(IT_HTTPS, "/slow/1m.bin?rate=64k");
    g_autofree char *fast = it_url(IT_HTTPS, "/method");
    UrlSessionTask *holders[URL__TEST_ADMITTED];
    for (int i = 0; i < URL__TEST_ADMITTED; i++)
        holders[i] = admission_task(session, slow, &a, NULL, URL_TASK_PRIORITY_DEFAULT);
    for (int i = 0; i < URL__TEST_ADMITTED; i++)
        it_wait_bytes_received(holders[i], 1, 20); /* all 100 are streams at once */
    GPtrArray *waiting = g_ptr_array_new_with_free_func((GDestroyNotify)url_session_task_unref);
    g_ptr_array_add(waiting, admission_task(session, fast, &a, "L", URL_TASK_PRIORITY_LOW));
    g_ptr_array_add(waiting, admission_task(session, fast, &a, "D", URL_TASK_PRIORITY_DEFAULT));
    g_ptr_array_add(waiting, admission_task(session, fast, &a, "H", URL_TASK_PRIORITY_HIGH));

    /* Another origin (the same server by name) goes at once; the three fast requests are
     * still waiting. */
    g_autofree char *other = g_strdup_printf("https://localhost:%d/method", it_port(IT_HTTPS));
    ItCompletion c;
    UrlSessionTask *elsewhere = it_fetch(session, other, NULL, &c);
    g_assert_cmpint(it_completion_error_code(&c), ==, 0);
    url_session_task_unref(elsewhere);
    it_completion_clear(&c);
    g_assert_false(admission_wait(&a, 1, 1, 0.3));

    /* The one place given back goes to the highest priority; each of the three gives its
     * place to the next when it completes. */
    url_session_task_cancel(holders[0]);
    g_assert_true(admission_wait(&a, 3, 3, 20));
    g_mutex_lock(&a.lock);
    g_assert_cmpstr(a.order->str, ==, "HDL");
    g_mutex_unlock(&a.lock);
    url_session_invalidate_and_cancel(session);
    g_assert_true(admission_wait(&a, URL__TEST_ADMITTED + 3, 3, 30));
    g_usleep(100000); /* exactly once each: nothing more arrives */
    g_mutex_lock(&a.lock);
    g_assert_cmpint(a.completed, ==, URL__TEST_ADMITTED + 3);
    g_assert_cmpint(a.failed, ==, 0);
    g_mutex_unlock(&a.lock);
    for (int i = 0; i < URL__TEST_ADMITTED; i++)
        url_session_task_unref(holders[i]);
    g_ptr_array_free(waiting, TRUE);
    url_session_unref(session);
    admission_clear(&a);
}

/* Cancelling hops that wait in the session completes each once with -999, and the
 * session's remaining hops still run. */
static void test_admission_cancel_waiting(void)
{
    Admission a;
    admission_init(&a);
    UrlSession *session = admission_session_new(IT_HTTP, URL_HTTP_VERSION_1_1);

    g_autofree char *slow = it_url(IT_HTTP, "/slow/1m.bin?rate=128k");
    g_autofree char *fast = it_url(IT_HTTP, "/method");
    GPtrArray *tasks = g_ptr_array_new_with_free_func((GDestroyNotify)url_session_task_unref);
    for (int i = 0; i < URL__TEST_ADMITTED; i++)
        g_ptr_array_add(tasks, admission_task(session, slow, &a, NULL, URL_TASK_PRIORITY_DEFAULT));
    it_wait_bytes_received(g_ptr_array_index(tasks, 0), 1, 10);
    UrlSessionTask *waiting[5];
    for (int i = 0; i < 5; i++)
        waiting[i] = admission_task(session, fast, &a, "W", URL_TASK_PRIORITY_DEFAULT);
    for (int i = 0; i < 5; i++)
        url_session_task_cancel(waiting[i]);
    g_assert_true(admission_wait(&a, 5, 5, 10));
    g_mutex_lock(&a.lock);
    g_assert_cmpint(a.completed, ==, 5);
    g_assert_cmpstr(a.order->str, ==, "WWWWW");
    g_mutex_unlock(&a.lock);
    for (int i = 0; i < 5; i++) {
        g_assert_cmpint(url_session_task_get_state(waiting[i]), ==, URL_TASK_STATE_COMPLETED);
        UrlError *error = url_session_task_get_error(waiting[i]);
        it_assert_error_code(error, URL_ERROR_CANCELLED);
        url_error_unref(error);
        url_session_task_unref(waiting[i]);
    }
    url_session_invalidate_and_cancel(session);
    g_assert_true(admission_wait(&a, URL__TEST_ADMITTED + 5, 5, 30));
    g_ptr_array_free(tasks, TRUE);
    url_session_unref(session);
    admission_clear(&a);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/scheduling/begin-date/continue", test_begin_date_continue);
    it_add("/scheduling/begin-date/new-request", test_begin_date_new_request);
    it_add("/scheduling/begin-date/cancel", test_begin_date_cancel);
    it_add("/scheduling/begin-date/no-delegate-method", test_begin_date_without_delegate_method);
    it_add("/scheduling/begin-date/past", test_begin_date_in_the_past);
    it_add("/scheduling/body-stream/renewed-on-307", test_redirect_asks_for_new_stream);
    it_add("/scheduling/body-stream/exhausted", test_redirect_without_new_stream_fails);
    it_add("/scheduling/expected-counts", test_expected_counts);
    it_add("/scheduling/priority", test_priority);
    it_add("/scheduling/admission/order", test_admission_order);
    it_add("/scheduling/admission/cancel-waiting", test_admission_cancel_waiting);
    return it_run();
}
