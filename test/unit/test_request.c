/* test_request.c — request URL checks, method and header validation, bodies and copies. */
#include "session/request.h"

#include "session/input_stream.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "log_capture.h"

static void test_new_has_defaults(void)
{
    UrlRequest *request = url_request_new("HTTP://example.com");
    g_assert_nonnull(request);
    g_assert_cmpstr(url_request_get_url(request), ==, "http://example.com/");
    g_assert_cmpstr(url_request_get_method(request), ==, "GET");
    g_assert_cmpuint(url_request_get_header_count(request), ==, 0);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_NONE);
    g_assert_null(url_request_get_body_data(request, NULL));
    g_assert_null(url_request_get_body_file(request));
    g_assert_cmpfloat(url_request_get_timeout_interval(request), ==, 0);
    g_assert_true(url_request_get_allows_cellular_access(request));
    url_request_unref(request);
}

static void test_new_refuses_bad_urls(void)
{
    UrlError *error = NULL;
    g_assert_null(url_request_new_checked("http://a:99999/", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "bad URL \"http://a:99999/\": Port number was not a decimal number between 0 "
                    "and 65535");
    g_clear_pointer(&error, url_error_unref);

    g_assert_null(url_request_new_checked("ftp://example.com/", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_UNSUPPORTED_URL);
    g_clear_pointer(&error, url_error_unref);

    g_assert_null(url_request_new("http://example.com/a b"));
    g_assert_null(url_request_new(NULL));
}

static void test_set_url(void)
{
    UrlRequest *request = url_request_new("https://a.example/");
    UrlError *error = NULL;
    g_assert_true(url_request_set_url(request, "https://b.example/x/../y", &error));
    g_assert_null(error);
    g_assert_cmpstr(url_request_get_url(request), ==, "https://b.example/y");

    g_assert_false(url_request_set_url(request, "gopher://c.example/", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_UNSUPPORTED_URL);
    g_clear_pointer(&error, url_error_unref);
    g_assert_cmpstr(url_request_get_url(request), ==, "https://b.example/y");
    url_request_unref(request);
}

static void assert_method_refused(UrlRequest *request, const char *method, const char *message)
{
    UrlError *error = NULL;
    g_assert_false(url_request_set_method(request, method, &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_UNKNOWN);
    g_assert_cmpstr(url_error_get_message(error), ==, message);
    url_error_unref(error);
}

static void test_method_must_be_a_token(void)
{
    UrlRequest *request = url_request_new("http://example.com/");
    g_assert_true(url_request_set_method(request, "PROPFIND", NULL));
    g_assert_cmpstr(url_request_get_method(request), ==, "PROPFIND");
    /* Methods are case-sensitive and kept as given. */
    g_assert_true(url_request_set_method(request, "patch", NULL));
    g_assert_cmpstr(url_request_get_method(request), ==, "patch");

    assert_method_refused(request, "GE T", "method is not an HTTP token: \"GE T\"");
    assert_method_refused(request, "GET\r\nX: y", "method is not an HTTP token: \"GET\\r\\nX: y\"");
    assert_method_refused(request, "", "method is empty");
    assert_method_refused(request, NULL, "method is missing");
    g_assert_cmpstr(url_request_get_method(request), ==, "patch");
    url_request_unref(request);
}

static void test_headers(void)
{
    UrlRequest *request = url_request_new("http://example.com/");
    UrlError *error = NULL;
    g_assert_true(url_request_add_header(request, "Accept", "text/html", &error));
    g_assert_true(url_request_add_header(request, "accept", "*/*", &error));
    g_assert_true(url_request_set_header(request, "X-Trace", "1", &error));
    g_assert_null(error);
    g_assert_cmpuint(url_request_get_header_count(request), ==, 3);
    g_assert_cmpstr(url_request_get_header(request, "ACCEPT"), ==, "text/html");

    const char *name = NULL, *value = NULL;
    g_assert_true(url_request_get_header_at(request, 1, &name, &value));
    g_assert_cmpstr(name, ==, "accept");
    g_assert_cmpstr(value, ==, "*/*");
    g_assert_false(url_request_get_header_at(request, 3, &name, &value));

    g_assert_true(url_request_set_header(request, "Accept", "application/json", NULL));
    g_assert_cmpuint(url_request_get_header_count(request), ==, 2);
    g_assert_cmpstr(url_request_get_header(request, "accept"), ==, "application/json");

    g_assert_true(url_request_set_header(request, "ACCEPT", NULL, NULL));
    g_assert_null(url_request_get_header(request, "Accept"));
    g_assert_cmpuint(url_request_get_header_count(request), ==, 1);
    url_request_unref(request);
}

static void test_header_refusals_quote_the_text(void)
{
    UrlRequest *request = url_request_new("http://example.com/");
    UrlError *error = NULL;
    g_assert_false(url_request_set_header(request, "X-A\r", "v", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_UNKNOWN);
    g_assert_cmpstr(url_error_get_message(error), ==, "header name contains CR or LF: \"X-A\\r\"");
    g_clear_pointer(&error, url_error_unref);

    g_assert_false(url_request_set_header(request, "X-A", "a\r\nInjected: 1", &error));
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "header value contains CR or LF: \"a\\r\\nInjected: 1\"");
    g_clear_pointer(&error, url_error_unref);

    g_assert_false(url_request_add_header(request, "bad name", "v", &error));
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "header name is not an HTTP token: \"bad name\"");
    g_clear_pointer(&error, url_error_unref);

    g_assert_false(url_request_add_header(request, "X-A", NULL, &error));
    g_assert_cmpstr(url_error_get_message(error), ==, "header value is missing");
    g_clear_pointer(&error, url_error_unref);

    g_assert_cmpuint(url_request_get_header_count(request), ==, 0);
    url_request_unref(request);
}

static void test_body_data_is_copied(void)
{
    UrlRequest *request = url_request_new("http://example.com/");
    char buffer[] = "hello";
    url_request_set_body_data(request, buffer, 5);
    buffer[0] = 'J';
    size_t length = 0;
    const char *data = url_request_get_body_data(request, &length);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_DATA);
    g_assert_cmpuint(length, ==, 5);
    g_assert_cmpmem(data, length, "hello", 5);

    /* An empty body is a body, not the absence of one. */
    url_request_set_body_data(request, "", 0);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_DATA);
    g_assert_nonnull(url_request_get_body_data(request, &length));
    g_assert_cmpuint(length, ==, 0);

    url_request_set_body_data(request, NULL, 0);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_NONE);
    g_assert_null(url_request_get_body_data(request, &length));
    g_assert_cmpuint(length, ==, 0);

    GBytes *bytes = g_bytes_new_static("abc", 3);
    url__request_set_body_bytes(request, bytes);
    /* Setting the body it already has must not free it on the way. */
    url__request_set_body_bytes(request, request->body_data);
    g_bytes_unref(bytes);
    g_assert_cmpmem(url_request_get_body_data(request, &length), 3, "abc", 3);
    url_request_unref(request);
}

static void test_body_file_is_checked_now(void)
{
    UrlRequest *request = url_request_new("http://example.com/");
    char *dir = g_dir_make_tmp("test_request_XXXXXX", NULL);
    g_assert_nonnull(dir);
    char *file = g_build_filename(dir, "body.bin", NULL);
    g_assert_true(g_file_set_contents(file, "payload", -1, NULL));
    char *missing = g_build_filename(dir, "missing.bin", NULL);

    UrlError *error = NULL;
    g_assert_true(url_request_set_body_file(request, file, &error));
    g_assert_null(error);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_FILE);
    g_assert_cmpstr(url_request_get_body_file(request), ==, file);

    g_assert_false(url_request_set_body_file(request, missing, &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_FILE_DOES_NOT_EXIST);
    char *expected =
        g_strdup_printf("cannot read body file \"%s\": No such file or directory", missing);
    g_assert_cmpstr(url_error_get_message(error), ==, expected);
    g_free(expected);
    g_clear_pointer(&error, url_error_unref);

    g_assert_false(url_request_set_body_file(request, dir, &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_FILE_IS_DIRECTORY);
    g_clear_pointer(&error, url_error_unref);

    g_assert_false(url_request_set_body_file(request, "/dev/null", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_CANNOT_OPEN_FILE);
    g_clear_pointer(&error, url_error_unref);

    /* A refused file leaves the previous body in place. */
    g_assert_cmpstr(url_request_get_body_file(request), ==, file);

    g_assert_cmpint(g_chmod(file, 0), ==, 0);
    if (geteuid() == 0 || access(file, R_OK) == 0) {
        /* root reads anything: the permission case cannot be shown here. */
        g_test_message("running with CAP_DAC_OVERRIDE: skipping the unreadable-file check");
    } else {
        g_assert_false(url_request_set_body_file(request, file, &error));
        g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_NO_PERMISSIONS_TO_READ_FILE);
        g_clear_pointer(&error, url_error_unref);
    }

    url_request_set_body_data(request, "x", 1);
    g_assert_null(url_request_get_body_file(request));

    g_remove(file);
    g_rmdir(dir);
    g_free(missing);
    g_free(file);
    g_free(dir);
    url_request_unref(request);
}

static void test_body_stream_is_referenced(void)
{
    UrlRequest *request = url_request_new("http://example.com/");
    UrlInputStream *stream = url_input_stream_new_pipe(16);
    url_request_set_body_stream(request, stream, -7);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_STREAM);
    g_assert_true(request->body_stream == stream);
    g_assert_cmpint(request->body_stream_length, ==, -1);

    /* The request keeps the stream alive after the caller lets go. */
    url_input_stream_unref(stream);
    g_assert_cmpint(url_input_stream_write(request->body_stream, "ab", 2, 0), ==, 2);

    url_request_set_body_stream(request, request->body_stream, 2);
    g_assert_cmpint(request->body_stream_length, ==, 2);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_STREAM);

    url_request_set_body_stream(request, NULL, 0);
    g_assert_cmpint(url_request_get_body_kind(request), ==, URL_REQUEST_BODY_NONE);
    g_assert_null(request->body_stream);
    url_request_unref(request);
}

static void test_copy_is_deep_but_shares_the_stream(void)
{
    UrlRequest *request = url_request_new("http://example.com/a");
    url_request_set_method(request, "PUT", NULL);
    url_request_set_header(request, "X-A", "1", NULL);
    url_request_set_timeout_interval(request, 12);
    url_request_set_allows_cellular_access(request, false);
    url_request_set_body_data(request, "body", 4);

    UrlRequest *copy = url_request_copy(request);
    g_assert_cmpstr(url_request_get_url(copy), ==, "http://example.com/a");
    g_assert_cmpstr(url_request_get_method(copy), ==, "PUT");
    g_assert_cmpstr(url_request_get_header(copy, "x-a"), ==, "1");
    g_assert_cmpfloat(url_request_get_timeout_interval(copy), ==, 12);
    g_assert_false(url_request_get_allows_cellular_access(copy));
    size_t length = 0;
    g_assert_cmpmem(url_request_get_body_data(copy, &length), length, "body", 4);

    url_request_set_url(copy, "http://example.com/b", NULL);
    url_request_set_method(copy, "POST", NULL);
    url_request_set_header(copy, "X-A", "2", NULL);
    url_request_set_body_data(copy, "other", 5);
    g_assert_cmpstr(url_request_get_url(request), ==, "http://example.com/a");
    g_assert_cmpstr(url_request_get_method(request), ==, "PUT");
    g_assert_cmpstr(url_request_get_header(request, "X-A"), ==, "1");
    g_assert_cmpmem(url_request_get_body_data(request, &length), length, "body", 4);
    url_request_unref(copy);

    UrlInputStream *stream = url_input_stream_new_pipe(0);
    url_request_set_body_stream(request, stream, 10);
    copy = url_request_copy(request);
    g_assert_true(copy->body_stream == stream);
    g_assert_cmpint(copy->body_stream_length, ==, 10);
    url_request_unref(request);
    url_request_unref(copy);
    url_input_stream_unref(stream);
}

static void test_timeout_and_cellular(void)
{
    UrlRequest *request = url_request_new("http://example.com/");
    url_request_set_timeout_interval(request, 2.5);
    g_assert_cmpfloat(url_request_get_timeout_interval(request), ==, 2.5);
    url_request_set_timeout_interval(request, 0);
    g_assert_cmpfloat(url_request_get_timeout_interval(request), ==, 0);
    url_request_set_allows_cellular_access(request, false);
    g_assert_false(url_request_get_allows_cellular_access(request));
    g_assert_true(url_request_ref(request) == request);
    url_request_unref(request);
    url_request_unref(request);
    url_request_unref(NULL);
}

static void test_refused_timeout_and_null_request(void)
{
    LogCapture capture;
    log_capture_begin(&capture);
    UrlRequest *request = url_request_new("http://example.com/");
    url_request_set_timeout_interval(request, -1);
    url_request_set_timeout_interval(request, NAN);
    g_assert_cmpfloat(url_request_get_timeout_interval(request), ==, 0);
    url_request_unref(request);
    g_assert_null(url_request_get_url(NULL));
    g_assert_cmpuint(url_request_get_header_count(NULL), ==, 0);
    g_assert_cmpint(url_request_get_body_kind(NULL), ==, URL_REQUEST_BODY_NONE);
    log_capture_end_expect(&capture, "*url_request_set_timeout_interval: ignoring -1*ignoring nan*"
                                     "request != NULL*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/request/new-has-defaults", test_new_has_defaults);
    g_test_add_func("/request/new-refuses-bad-urls", test_new_refuses_bad_urls);
    g_test_add_func("/request/set-url", test_set_url);
    g_test_add_func("/request/method-must-be-a-token", test_method_must_be_a_token);
    g_test_add_func("/request/headers", test_headers);
    g_test_add_func("/request/header-refusals-quote-the-text", test_header_refusals_quote_the_text);
    g_test_add_func("/request/body-data-is-copied", test_body_data_is_copied);
    g_test_add_func("/request/body-file-is-checked-now", test_body_file_is_checked_now);
    g_test_add_func("/request/body-stream-is-referenced", test_body_stream_is_referenced);
    g_test_add_func("/request/copy-is-deep-but-shares-the-stream",
                    test_copy_is_deep_but_shares_the_stream);
    g_test_add_func("/request/timeout-and-cellular", test_timeout_and_cellular);
    g_test_add_func("/request/refused-timeout-and-null-request",
                    test_refused_timeout_and_null_request);
    return g_test_run();
}
