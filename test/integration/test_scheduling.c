/* test_scheduling.c — the scheduling hints and the body-stream renewal: earliest begin
 * date with will_begin_delayed_request (continue, new request, cancel), a stream body
 * re-sent on a 307 through need_new_body_stream, the client's expected byte counts, and
 * priority. */
#include <string.h>

#include "fixture.h"

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
    return it_run();
}
