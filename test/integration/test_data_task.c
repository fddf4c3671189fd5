/* test_data_task.c — data tasks over HTTP/1.1, HTTPS (h2 and forced 1.1) and h2c: bytes,
 * callback order, response fields, header precedence and the user agent. */
#include "fixture.h"

#include <string.h>

static const char *expected_version(ItProto proto)
{
    return proto == IT_HTTP ? "http/1.1" : "h2";
}

/* The /headers line for @name, such as "x-test: value" -> "value". */
static char *header_line(const char *body, const char *name)
{
    g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
    g_autofree char *prefix = g_strdup_printf("%s: ", name);
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, prefix)) {
            return g_strdup(*l + strlen(prefix));
        }
    }
    g_error("no %s line in /headers answer: %s", name, body);
    return NULL;
}

static void test_delegate(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/files/1m.bin");
    UrlRequest *request = url_request_new(url);
    g_assert_nonnull(request);
    UrlSessionTask *task = url_session_data_task(session, request);
    g_assert_nonnull(task);
    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_SUSPENDED);
    g_assert_cmpint(url_session_task_get_kind(task), ==, URL_TASK_KIND_DATA);
    it_run_task(task, 60);

    ItTaskLog *log = it_recorder_get(rec, task);
    g_assert_nonnull(log);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_METRICS], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_DATA], >=, 1);
    g_assert_cmpuint(log->counts[IT_EV_REDIRECT], ==, 0);
    g_assert_cmpuint(log->body_length, ==, 1048576);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_assert_cmpstr(g_checksum_get_string(log->body_sha256), ==, want);

    g_assert_nonnull(log->response);
    g_assert_cmpint(url_response_get_status_code(log->response), ==, 200);
    g_assert_cmpstr(url_response_get_http_version(log->response), ==, expected_version(proto));
    g_assert_cmpint(url_response_get_expected_content_length(log->response), ==, 1048576);
    g_assert_cmpstr(url_response_get_mime_type(log->response), ==, "application/octet-stream");
    g_assert_cmpstr(url_response_get_url(log->response), ==, url);

    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_COMPLETED);
    g_assert_cmpint(url_session_task_get_count_of_bytes_received(task), ==, 1048576);
    g_assert_cmpint(url_session_task_get_count_of_bytes_expected_to_receive(task), ==, 1048576);
    g_assert_cmpfloat(url_session_task_get_progress(task), ==, 1.0);
    UrlResponse *response = url_session_task_get_response(task);
    g_assert_nonnull(response);
    g_assert_cmpint(url_response_get_status_code(response), ==, 200);
    url_response_unref(response);
    g_assert_null(url_session_task_get_error(task));

    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_completion(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/files/small.txt");
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, it_data_completion, &done);
    it_run_task(task, 30);
    /* did_become_invalid is the session's last callback: after it, a second completion
     * would have shown. */
    it_session_finish(session, rec);

    g_assert_cmpuint(done.calls, ==, 1);
    it_assert_no_error(done.error);
    g_assert_cmpmem(done.data->data, done.data->len, "hello world\n", 12);
    g_assert_nonnull(done.response);
    g_assert_cmpint(url_response_get_status_code(done.response), ==, 200);
    g_assert_cmpstr(url_response_get_http_version(done.response), ==, expected_version(proto));
    /* A completion-handler task gets its handler instead of the data and did_complete
     * callbacks. */
    ItTaskLog *log = it_recorder_get(rec, task);
    if (log) {
        g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
        g_assert_cmpuint(log->counts[IT_EV_COMPLETE], ==, 0);
    }

    it_completion_clear(&done);
    url_session_task_unref(task);
    url_request_unref(request);
    it_recorder_free(rec);
}

static void test_https_forced_http11(void)
{
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTPS);
    url_session_configuration_set_http_version(config, URL_HTTP_VERSION_1_1);
    UrlSession *session = url_session_new(config, NULL, NULL, NULL);
    url_session_configuration_unref(config);
    g_autofree char *url = it_url(IT_HTTPS, "/files/small.txt");
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, it_data_completion, &done);
    it_run_task(task, 30);
    g_assert_cmpuint(done.calls, ==, 1);
    it_assert_no_error(done.error);
    g_assert_cmpstr(url_response_get_http_version(done.response), ==, "http/1.1");
    g_assert_cmpmem(done.data->data, done.data->len, "hello world\n", 12);
    it_completion_clear(&done);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, NULL);
}

/* Runs a GET of @path on plain HTTP with @config and returns the completion. */
static void fetch(UrlSessionConfiguration *config, UrlRequest *request, ItCompletion *done)
{
    UrlSession *session = url_session_new(config, NULL, NULL, NULL);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, it_data_completion, done);
    it_run_task(task, 30);
    g_assert_cmpuint(done->calls, ==, 1);
    it_assert_no_error(done->error);
    g_byte_array_append(done->data, (const guint8 *)"", 1);
    url_session_task_unref(task);
    it_session_finish(session, NULL);
}

static void test_response_fields(void)
{
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    g_autofree char *url = it_url(IT_HTTP, "/files/small.txt");
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    fetch(config, request, &done);
    const UrlResponse *r = done.response;
    g_assert_nonnull(r);
    g_assert_cmpint(url_response_get_status_code(r), ==, 200);
    g_assert_cmpstr(url_response_get_url(r), ==, url);
    g_assert_cmpstr(url_response_get_header(r, "content-length"), ==, "12");
    g_assert_cmpstr(url_response_get_header(r, "Content-Length"), ==, "12");
    g_assert_cmpstr(url_response_get_header(r, "CONTENT-LENGTH"), ==, "12");
    g_assert_cmpstr(url_response_get_header(r, "Content-Type"), ==, "text/plain; charset=utf-8");
    g_assert_null(url_response_get_header(r, "X-Not-Sent"));
    g_assert_cmpstr(url_response_get_mime_type(r), ==, "text/plain");
    g_assert_cmpstr(url_response_get_text_encoding_name(r), ==, "utf-8");
    g_assert_cmpint(url_response_get_expected_content_length(r), ==, 12);
    g_assert_cmpstr(url_response_get_suggested_filename(r), ==, "small.txt");
    g_assert_cmpstr(url_response_get_http_version(r), ==, "http/1.1");

    /* Iteration gives the names as sent and trimmed values. */
    size_t count = url_response_get_header_count(r);
    g_assert_cmpuint(count, >=, 4);
    gboolean saw_length = FALSE;
    for (size_t i = 0; i < count; i++) {
        const char *name = NULL, *value = NULL;
        g_assert_true(url_response_get_header_at(r, i, &name, &value));
        g_assert_nonnull(name);
        g_assert_nonnull(value);
        g_assert_false(g_ascii_isspace(value[0]));
        if (g_ascii_strcasecmp(name, "Content-Length") == 0) {
            g_assert_cmpstr(value, ==, "12");
            saw_length = TRUE;
        }
    }
    g_assert_true(saw_length);
    const char *name = NULL, *value = NULL;
    g_assert_false(url_response_get_header_at(r, count, &name, &value));

    it_completion_clear(&done);
    url_request_unref(request);
    url_session_configuration_unref(config);
}

static void test_repeated_headers(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlSessionConfiguration *config = it_configuration_new(proto);
    g_autofree char *url = it_url(proto, "/repeat");
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    fetch(config, request, &done);
    const UrlResponse *r = done.response;
    g_assert_cmpstr(url_response_get_header(r, "x-repeat"), ==, "one");
    g_autofree char *joined = url_response_get_header_joined(r, "X-REPEAT");
    g_assert_cmpstr(joined, ==, "one, two");
    int repeats = 0, cookies = 0;
    for (size_t i = 0; i < url_response_get_header_count(r); i++) {
        const char *name, *value;
        g_assert_true(url_response_get_header_at(r, i, &name, &value));
        if (g_ascii_strcasecmp(name, "X-Repeat") == 0) {
            g_assert_cmpstr(value, ==, repeats == 0 ? "one" : "two");
            repeats++;
        } else if (g_ascii_strcasecmp(name, "Set-Cookie") == 0) {
            g_assert_cmpstr(value, ==, cookies == 0 ? "a=1; Path=/" : "b=2; Path=/");
            cookies++;
        }
    }
    g_assert_cmpint(repeats, ==, 2);
    g_assert_cmpint(cookies, ==, 2);
    g_assert_cmpstr((const char *)done.data->data, ==, "repeat\n");
    it_completion_clear(&done);
    url_request_unref(request);
    url_session_configuration_unref(config);
}

static void test_header_precedence(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlSessionConfiguration *config = it_configuration_new(proto);
    g_assert_true(
        url_session_configuration_set_additional_header(config, "X-Test", "from-config", NULL));
    g_assert_true(
        url_session_configuration_set_additional_header(config, "X-Additional", "extra", NULL));
    g_assert_cmpstr(url_session_configuration_get_additional_header(config, "x-test"), ==,
                    "from-config");
    g_autofree char *url = it_url(proto, "/headers");

    /* The request's own header wins over the configuration's, whatever the case. */
    UrlRequest *request = url_request_new(url);
    g_assert_true(url_request_set_header(request, "x-TEST", "from-request", NULL));
    ItCompletion done;
    it_completion_init(&done);
    fetch(config, request, &done);
    const char *body = (const char *)done.data->data;
    g_autofree char *x_test = header_line(body, "x-test");
    g_autofree char *x_additional = header_line(body, "x-additional");
    g_assert_cmpstr(x_test, ==, "from-request");
    g_assert_cmpstr(x_additional, ==, "extra");
    it_completion_clear(&done);
    url_request_unref(request);

    /* Without one, the configuration's is sent. */
    request = url_request_new(url);
    it_completion_init(&done);
    fetch(config, request, &done);
    g_autofree char *x_test2 = header_line((const char *)done.data->data, "x-test");
    g_assert_cmpstr(x_test2, ==, "from-config");
    it_completion_clear(&done);
    url_request_unref(request);

    /* Authorization set on the request reaches the server unchanged. */
    request = url_request_new(url);
    g_assert_true(url_request_set_header(request, "Authorization", "Bearer abc", NULL));
    it_completion_init(&done);
    fetch(config, request, &done);
    g_autofree char *auth = header_line((const char *)done.data->data, "authorization");
    g_assert_cmpstr(auth, ==, "Bearer abc");
    it_completion_clear(&done);
    url_request_unref(request);

    url_session_configuration_unref(config);
}

static void test_user_agent(void)
{
    g_autofree char *url = it_url(IT_HTTP, "/headers");
    ItCompletion done;

    /* Default: liburlsession/VERSION libcurl/VERSION. */
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    UrlRequest *request = url_request_new(url);
    it_completion_init(&done);
    fetch(config, request, &done);
    g_autofree char *ua_default = header_line((const char *)done.data->data, "user-agent");
    g_assert_true(g_str_has_prefix(ua_default, "liburlsession/"));
    g_assert_nonnull(strstr(ua_default, "libcurl/"));
    g_assert_cmpstr(ua_default, ==, url_version_string());
    it_completion_clear(&done);

    /* The configuration's user agent. */
    url_session_configuration_set_user_agent(config, "it-agent/1.0");
    it_completion_init(&done);
    fetch(config, request, &done);
    g_autofree char *ua_config = header_line((const char *)done.data->data, "user-agent");
    g_assert_cmpstr(ua_config, ==, "it-agent/1.0");
    it_completion_clear(&done);

    /* A request's User-Agent header wins. */
    g_assert_true(url_request_set_header(request, "user-agent", "request-agent/2", NULL));
    it_completion_init(&done);
    fetch(config, request, &done);
    g_autofree char *ua_request = header_line((const char *)done.data->data, "user-agent");
    g_assert_cmpstr(ua_request, ==, "request-agent/2");
    it_completion_clear(&done);
    url_request_unref(request);

    /* So does an additional header. */
    g_assert_true(url_session_configuration_set_additional_header(config, "User-Agent",
                                                                  "additional/3", NULL));
    request = url_request_new(url);
    it_completion_init(&done);
    fetch(config, request, &done);
    g_autofree char *ua_additional = header_line((const char *)done.data->data, "user-agent");
    g_assert_cmpstr(ua_additional, ==, "additional/3");
    it_completion_clear(&done);
    url_request_unref(request);
    url_session_configuration_unref(config);
}

static void test_http_error_status(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/status/404");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    /* An HTTP error status is a response, not a task error. */
    it_assert_no_error(log->error);
    g_assert_cmpint(url_response_get_status_code(log->response), ==, 404);
    g_assert_cmpstr(it_task_log_body_string(log), ==, "status 404\n");
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_response_disposition_cancel(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    rec->response_disposition = URL_RESPONSE_CANCEL;
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/files/10m.bin");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 1);
    g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
    it_assert_error_code(log->error, URL_ERROR_CANCELLED);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* The server's name rather than its address: resolved from /etc/hosts, and checked
 * against the certificate's DNS name over TLS. (::1, should localhost resolve to it, is
 * not served: the connection must fall back to 127.0.0.1.) */
static void test_localhost_name(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlSessionConfiguration *config = it_configuration_new(proto);
    g_autofree char *url = g_strdup_printf("%s://localhost:%d/files/small.txt",
                                           proto == IT_HTTPS ? "https" : "http", it_port(proto));
    UrlRequest *request = url_request_new(url);
    ItCompletion done;
    it_completion_init(&done);
    fetch(config, request, &done);
    g_assert_cmpstr((const char *)done.data->data, ==, "hello world\n");
    g_assert_cmpstr(url_response_get_url(done.response), ==, url);
    it_completion_clear(&done);
    url_request_unref(request);
    url_session_configuration_unref(config);
}

static void add_per_proto(const char *name, void (*fn)(gconstpointer))
{
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *path = g_strdup_printf("/data_task/%s/%s", name, it_proto_name(p));
        it_add_data(path, GINT_TO_POINTER(p), fn);
    }
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    add_per_proto("delegate", test_delegate);
    add_per_proto("completion", test_completion);
    add_per_proto("repeated-headers", test_repeated_headers);
    add_per_proto("header-precedence", test_header_precedence);
    add_per_proto("http-error-status", test_http_error_status);
    add_per_proto("response-disposition-cancel", test_response_disposition_cancel);
    add_per_proto("localhost-name", test_localhost_name);
    it_add("/data_task/https-forced-http1.1", test_https_forced_http11);
    it_add("/data_task/response-fields", test_response_fields);
    it_add("/data_task/user-agent", test_user_agent);
    return it_run();
}
