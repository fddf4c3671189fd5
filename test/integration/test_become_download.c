/* test_become_download.c — a data task whose delegate answers the response with
 * URL_RESPONSE_BECOME_DOWNLOAD continues as a download task: the announcement, then the
 * body in a temporary file with the download callbacks, and no data callbacks. */
#include "fixture.h"

static void test_become_download(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    rec->response_disposition = URL_RESPONSE_BECOME_DOWNLOAD;
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/files/10m.bin");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    g_assert_cmpint(url_session_task_get_kind(task), ==, URL_TASK_KIND_DATA);
    it_run_task(task, 60);

    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpint(url_session_task_get_kind(task), ==, URL_TASK_KIND_DOWNLOAD);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_BECOME_DOWNLOAD], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
    g_assert_cmpuint(log->counts[IT_EV_WRITE_DATA], >=, 1);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 1);
    g_assert_cmpint(log->written_sum, ==, 10485760);
    g_autofree char *want = it_sha256_www("10m.bin");
    g_assert_cmpint(log->download_size, ==, 10485760);
    g_assert_cmpstr(log->download_sha256, ==, want);
    g_assert_false(g_file_test(log->download_location, G_FILE_TEST_EXISTS));
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 0);

    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* An empty body still becomes a (empty) file. */
static void test_empty_body(void)
{
    ItRecorder *rec = it_recorder_new();
    rec->response_disposition = URL_RESPONSE_BECOME_DOWNLOAD;
    UrlSession *session = it_session_new(IT_HTTP, rec);
    g_autofree char *url = it_url(IT_HTTP, "/status/204");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 60);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_BECOME_DOWNLOAD], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 1);
    g_assert_cmpint(log->download_size, ==, 0);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* An upload task cannot become a download: the answer allows, the body comes as data. */
static void test_upload_stays_upload(void)
{
    ItRecorder *rec = it_recorder_new();
    rec->response_disposition = URL_RESPONSE_BECOME_DOWNLOAD;
    UrlSession *session = it_session_new(IT_HTTP, rec);
    g_autofree char *url = it_url(IT_HTTP, "/echo");
    UrlRequest *request = url_request_new(url);
    url_request_set_method(request, "POST", NULL);
    UrlSessionTask *task = url_session_upload_task_with_data(session, request, "ping", 4);
    it_run_task(task, 60);
    ItTaskLog *log = it_recorder_get(rec, task);
    it_assert_no_error(log->error);
    g_assert_cmpint(url_session_task_get_kind(task), ==, URL_TASK_KIND_UPLOAD);
    g_assert_cmpuint(log->counts[IT_EV_BECOME_DOWNLOAD], ==, 0);
    g_assert_cmpstr(it_task_log_body_string(log), ==, "ping");
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *path = g_strdup_printf("/become-download/%s", it_proto_name(p));
        it_add_data(path, GINT_TO_POINTER(p), test_become_download);
    }
    it_add("/become-download/empty-body", test_empty_body);
    it_add("/become-download/upload-stays-upload", test_upload_stays_upload);
    return it_run();
}
