/* test_download.c — download tasks: the file handed over has the served bytes, is removed
 * after the callback, and nothing is left in the download directory after a failure or a
 * cancel. */
#include "fixture.h"

#include <glib/gstdio.h>
#include <string.h>

static void assert_download_dir_empty(void)
{
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 0);
}

static void test_delegate(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/files/10m.bin");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_download_task(session, request);
    g_assert_cmpint(url_session_task_get_kind(task), ==, URL_TASK_KIND_DOWNLOAD);
    it_run_task(task, 60);

    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_WRITE_DATA], >=, 1);
    g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
    g_assert_cmpint(log->written_sum, ==, 10485760);
    g_assert_cmpint(log->last_total_written, ==, 10485760);

    g_autofree char *want = it_sha256_www("10m.bin");
    g_assert_cmpint(log->download_size, ==, 10485760);
    g_assert_cmpstr(log->download_sha256, ==, want);
    /* The file was in the configured directory and is gone after the callback. */
    g_autofree char *dir = g_path_get_dirname(log->download_location);
    g_assert_cmpstr(dir, ==, it_download_dir());
    g_assert_false(g_file_test(log->download_location, G_FILE_TEST_EXISTS));
    assert_download_dir_empty();

    UrlResponse *response = url_session_task_get_response(task);
    g_assert_nonnull(response);
    g_assert_cmpint(url_response_get_status_code(response), ==, 200);
    url_response_unref(response);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* A delegate may move the file away during the callback: it then keeps it. */
static void move_away(UrlSession *session, UrlSessionTask *task, const char *location, void *data)
{
    const char *target = data;
    g_assert_cmpint(g_rename(location, target), ==, 0);
}

static void test_move_in_callback(void)
{
    g_autofree char *target = g_build_filename(it_scratch_dir(), "moved-1m.bin", NULL);
    UrlSessionDelegate delegate = {.download_did_finish_downloading_to = move_away};
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTPS);
    UrlSession *session = url_session_new(config, &delegate, target, NULL);
    url_session_configuration_unref(config);
    g_autofree char *url = it_url(IT_HTTPS, "/files/1m.bin");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_download_task(session, request);
    it_run_task(task, 60);
    UrlError *error = url_session_task_get_error(task);
    it_assert_no_error(error);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_autofree char *got = it_sha256_file(target);
    g_assert_cmpstr(got, ==, want);
    g_assert_cmpint(g_unlink(target), ==, 0);
    assert_download_dir_empty();
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_unref(session);
}

static void test_completion(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/files/1m.bin");
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    UrlSessionTask *task =
        url_session_download_task_with_completion(session, request, it_download_completion, &done);
    it_run_task(task, 60);
    it_session_finish(session, rec);

    g_assert_cmpuint(done.calls, ==, 1);
    it_assert_no_error(done.error);
    g_assert_nonnull(done.location);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_assert_cmpstr(done.download_sha256, ==, want);
    g_assert_cmpint(done.download_size, ==, 1048576);
    g_assert_false(g_file_test(done.location, G_FILE_TEST_EXISTS));
    g_assert_cmpint(url_response_get_status_code(done.response), ==, 200);
    assert_download_dir_empty();
    ItTaskLog *log = it_recorder_get(rec, task);
    if (log) {
        g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 0);
        g_assert_cmpuint(log->counts[IT_EV_COMPLETE], ==, 0);
    }
    it_completion_clear(&done);
    url_session_task_unref(task);
    url_request_unref(request);
    it_recorder_free(rec);
}

/* A download of an error page is still a download: the body lands in the file. */
static void test_http_error_body(void)
{
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    g_autofree char *url = it_url(IT_HTTP, "/status/404");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_download_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_autofree char *want = it_sha256_data("status 404\n", 11);
    g_assert_cmpstr(log->download_sha256, ==, want);
    assert_download_dir_empty();
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_cancel(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/slow/100m.bin?rate=4m");
    UrlRequest *request = url_request_new(url);

    /* Cancelled from inside the first write callback... */
    UrlSessionTask *in_callback = url_session_download_task(session, request);
    it_recorder_cancel_on(rec, url_session_task_get_identifier(in_callback), IT_EV_WRITE_DATA);
    it_run_task(in_callback, 30);
    ItTaskLog *log = it_recorder_get(rec, in_callback);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_CANCELLED);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 0);
    assert_download_dir_empty();

    /* ...and from the test thread while bytes flow. */
    UrlSessionTask *from_outside = url_session_download_task(session, request);
    url_session_task_resume(from_outside);
    it_wait_bytes_received(from_outside, 65536, 20);
    url_session_task_cancel(from_outside);
    g_assert_true(url_session_task_wait(from_outside, 30));
    log = it_recorder_get(rec, from_outside);
    g_autofree char *order2 = it_task_log_check_order(log);
    g_assert_cmpstr(order2, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_CANCELLED);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 0);
    assert_download_dir_empty();

    url_session_task_unref(in_callback);
    url_session_task_unref(from_outside);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_cancel_completion(void)
{
    UrlSession *session = it_session_new(IT_HTTP, NULL);
    g_autofree char *url = it_url(IT_HTTP, "/slow/100m.bin?rate=1m");
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    UrlSessionTask *task =
        url_session_download_task_with_completion(session, request, it_download_completion, &done);
    url_session_task_resume(task);
    it_wait_bytes_received(task, 1, 20);
    url_session_task_cancel(task);
    g_assert_true(url_session_task_wait(task, 30));
    g_assert_cmpuint(done.calls, ==, 1);
    it_assert_error_code(done.error, URL_ERROR_CANCELLED);
    g_assert_null(done.location);
    assert_download_dir_empty();
    it_completion_clear(&done);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, NULL);
}

/* Failures other than cancel: a refused connection, and a resource timeout mid-body. */
static void test_failure_leaves_nothing(void)
{
    ItRecorder *rec = it_recorder_new();
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    url_session_configuration_set_timeout_interval_for_resource(config, 1.5);
    UrlSession *session = url_session_new(config, it_recorder_delegate(), rec, NULL);
    url_session_configuration_unref(config);

    g_autofree char *refused_url =
        g_strdup_printf("http://127.0.0.1:%d/files/1m.bin", it_unused_port());
    UrlRequest *refused = url_request_new(refused_url);
    UrlSessionTask *task = url_session_download_task(session, refused);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    it_assert_error_code(log->error, URL_ERROR_CANNOT_CONNECT_TO_HOST);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 0);
    assert_download_dir_empty();
    url_session_task_unref(task);
    url_request_unref(refused);

    g_autofree char *slow_url = it_url(IT_HTTP, "/slow/10m.bin?rate=1m");
    UrlRequest *slow = url_request_new(slow_url);
    task = url_session_download_task(session, slow);
    it_run_task(task, 30);
    log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_TIMED_OUT);
    g_assert_cmpuint(log->counts[IT_EV_WRITE_DATA], >=, 1);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 0);
    /* nginx sent an ETag: the timed-out download carries resume data, whose partial file
     * is the only thing left, until the application discards it (test_resume.c). */
    size_t resume_length = 0;
    const void *resume = url_error_get_resume_data(log->error, &resume_length);
    g_assert_nonnull(resume);
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 1);
    g_assert_true(url_session_discard_resume_data(session, resume, resume_length));
    assert_download_dir_empty();
    url_session_task_unref(task);
    url_request_unref(slow);

    it_session_finish(session, rec);
    it_recorder_free(rec);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *d = g_strdup_printf("/download/delegate/%s", it_proto_name(p));
        it_add_data(d, GINT_TO_POINTER(p), test_delegate);
        g_autofree char *c = g_strdup_printf("/download/completion/%s", it_proto_name(p));
        it_add_data(c, GINT_TO_POINTER(p), test_completion);
        g_autofree char *x = g_strdup_printf("/download/cancel/%s", it_proto_name(p));
        it_add_data(x, GINT_TO_POINTER(p), test_cancel);
    }
    it_add("/download/move-in-callback", test_move_in_callback);
    it_add("/download/http-error-body", test_http_error_body);
    it_add("/download/cancel-completion", test_cancel_completion);
    it_add("/download/failure-leaves-nothing", test_failure_leaves_nothing);
    return it_run();
}
