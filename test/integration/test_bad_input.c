/* test_bad_input.c — what the library refuses and how it says so: bad URLs, header
 * injection, a refused connection and a server certificate nobody trusts. */
#include "fixture.h"

#include <string.h>

static gboolean contains_any(const char *text, const char *const *needles)
{
    for (; *needles; needles++) {
        if (strstr(text, *needles)) {
            return TRUE;
        }
    }
    return FALSE;
}

static void test_bad_urls(void)
{
    static const struct {
        const char *url;
        int code;                /* 0: BAD_URL or UNSUPPORTED_URL */
        const char *mentions[3]; /* the message names the problem: one of these */
    } cases[] = {
        {"http://a b/", URL_ERROR_BAD_URL, {"a b", NULL}},
        {"ftp://x/", URL_ERROR_UNSUPPORTED_URL, {"ftp", NULL}},
        {"http://:99999/", URL_ERROR_BAD_URL, {"99999", "port", NULL}},
        {"notaurl", 0, {"notaurl", "scheme", NULL}},
        {"", URL_ERROR_BAD_URL, {"empty", "\"\"", NULL}},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        UrlError *error = NULL;
        UrlRequest *request = url_request_new_checked(cases[i].url, &error);
        if (request) {
            g_error("\"%s\" was accepted as %s", cases[i].url, url_request_get_url(request));
        }
        g_assert_nonnull(error);
        int code = url_error_get_code(error);
        if (cases[i].code) {
            g_assert_cmpint(code, ==, cases[i].code);
        } else {
            g_assert_true(code == URL_ERROR_BAD_URL || code == URL_ERROR_UNSUPPORTED_URL);
        }
        const char *message = url_error_get_message(error);
        g_test_message("\"%s\": %s: %s", cases[i].url, url_error_code_name(code), message);
        if (!contains_any(message, cases[i].mentions)) {
            g_error("the message for \"%s\" does not name the problem: %s", cases[i].url, message);
        }
        url_error_unref(error);
        /* Without error details: NULL as well. */
        g_assert_null(url_request_new(cases[i].url));
    }

    /* set_url refuses the same and keeps the URL it had. */
    g_autofree char *good = it_url(IT_HTTP, "/files/small.txt");
    UrlRequest *request = url_request_new(good);
    UrlError *error = NULL;
    g_assert_false(url_request_set_url(request, "ftp://x/", &error));
    it_assert_error_code(error, URL_ERROR_UNSUPPORTED_URL);
    url_error_unref(error);
    g_assert_cmpstr(url_request_get_url(request), ==, good);
    url_request_unref(request);
}

static void test_header_injection(void)
{
    g_autofree char *url = it_url(IT_HTTP, "/headers");
    UrlRequest *request = url_request_new(url);
    static const struct {
        const char *name;
        const char *value;
        const char *mention;
    } cases[] = {
        {"X-A\r", "v", "X-A"},
        {"X-A\n", "v", "X-A"},
        {"X-A", "v\r\nInjected: 1", "Injected"},
        {"X-A", "v\nInjected: 1", "Injected"},
        {"X-A", "v\r", "v"},
        {"Bad Name", "v", "Bad Name"},
        {"X:A", "v", "X:A"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        UrlError *error = NULL;
        g_assert_false(url_request_set_header(request, cases[i].name, cases[i].value, &error));
        g_assert_nonnull(error);
        g_test_message("%s", url_error_get_message(error));
        g_assert_nonnull(strstr(url_error_get_message(error), cases[i].mention));
        url_error_unref(error);
        error = NULL;
        g_assert_false(url_request_add_header(request, cases[i].name, cases[i].value, &error));
        g_assert_nonnull(error);
        url_error_unref(error);
        error = NULL;
        UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
        g_assert_false(url_session_configuration_set_additional_header(config, cases[i].name,
                                                                       cases[i].value, &error));
        g_assert_nonnull(error);
        url_error_unref(error);
        url_session_configuration_unref(config);
    }
    g_assert_cmpuint(url_request_get_header_count(request), ==, 0);
    UrlError *error = NULL;
    g_assert_false(url_request_set_method(request, "GE T", &error));
    g_assert_nonnull(error);
    url_error_unref(error);
    g_assert_false(url_request_set_method(request, "GET\r\n", NULL));
    g_assert_cmpstr(url_request_get_method(request), ==, "GET");

    /* The request still works and nothing was injected. */
    UrlSession *session = it_session_new(IT_HTTP, NULL);
    ItCompletion done;
    it_completion_init(&done);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, it_data_completion, &done);
    it_run_task(task, 30);
    it_assert_no_error(done.error);
    g_byte_array_append(done.data, (const guint8 *)"", 1);
    g_assert_null(strstr((const char *)done.data->data, "Injected"));
    it_completion_clear(&done);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, NULL);
}

static void test_connection_refused(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    int port = it_unused_port();
    g_autofree char *url = g_strdup_printf("%s://127.0.0.1:%d/files/small.txt",
                                           proto == IT_HTTPS ? "https" : "http", port);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    gint64 start = g_get_monotonic_time();
    it_run_task(task, 30);
    double elapsed = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_CANNOT_CONNECT_TO_HOST);
    g_assert_cmpstr(url_error_get_failing_url(log->error), ==, url);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 0);
    /* A refusal on loopback is immediate, not a timeout. */
    g_assert_cmpfloat(elapsed, <, 5.0);
    g_assert_cmpuint(url_error_get_addresses_tried_count(log->error), ==, 1);
    g_assert_cmpstr(url_error_get_address_tried(log->error, 0), ==, "127.0.0.1");
    g_assert_null(url_error_get_address_tried(log->error, 1));
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* "localhost" is ::1 and 127.0.0.1: when both refuse, the error lists both, IPv6 first
 * (RFC 6724), in the message and through the getters. */
static void test_connection_refused_both_families(void)
{
    int port = it_unused_port();
    g_autofree char *url = g_strdup_printf("http://localhost:%d/files/small.txt", port);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(IT_HTTP, rec);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    it_assert_error_code(log->error, URL_ERROR_CANNOT_CONNECT_TO_HOST);
    g_test_message("%s", url_error_get_message(log->error));
    g_assert_cmpuint(url_error_get_addresses_tried_count(log->error), ==, 2);
    g_assert_cmpstr(url_error_get_address_tried(log->error, 0), ==, "::1");
    g_assert_cmpstr(url_error_get_address_tried(log->error, 1), ==, "127.0.0.1");
    g_assert_nonnull(
        strstr(url_error_get_message(log->error), "(addresses tried: ::1, 127.0.0.1)"));
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

static void test_untrusted_certificate(gconstpointer data)
{
    UrlHttpVersion version = (UrlHttpVersion)GPOINTER_TO_INT(data);
    /* No CA configured: the system store does not know the test CA. */
    UrlSessionConfiguration *config = url_session_configuration_new_default();
    url_session_configuration_set_http_version(config, version);
    url_session_configuration_set_timeout_interval_for_request(config, 30);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = url_session_new(config, it_recorder_delegate(), rec, NULL);
    url_session_configuration_unref(config);
    g_autofree char *url = it_url(IT_HTTPS, "/files/small.txt");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 30);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    g_assert_nonnull(log->error);
    int code = url_error_get_code(log->error);
    g_test_message("%s: %s", url_error_code_name(code), url_error_get_message(log->error));
    /* SERVER_CERTIFICATE_UNTRUSTED or another of the -12xx TLS codes. */
    g_assert_cmpint(code, <=, URL_ERROR_SECURE_CONNECTION_FAILED);
    g_assert_cmpint(code, >=, URL_ERROR_CLIENT_CERTIFICATE_REQUIRED);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 0);
    g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/bad_input/urls", test_bad_urls);
    it_add("/bad_input/header-injection", test_header_injection);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *path =
            g_strdup_printf("/bad_input/connection-refused/%s", it_proto_name(p));
        it_add_data(path, GINT_TO_POINTER(p), test_connection_refused);
    }
    it_add("/bad_input/connection-refused/both-families", test_connection_refused_both_families);
    it_add_data("/bad_input/untrusted-certificate/default",
                GINT_TO_POINTER(URL_HTTP_VERSION_DEFAULT), test_untrusted_certificate);
    it_add_data("/bad_input/untrusted-certificate/http1.1", GINT_TO_POINTER(URL_HTTP_VERSION_1_1),
                test_untrusted_certificate);
    return it_run();
}
