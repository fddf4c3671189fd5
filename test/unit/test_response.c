/* test_response.c — response getters and the facts derived from headers and URL. */
#include "session/response.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "log_capture.h"

/* A response to @url whose headers are the NULL-terminated name/value pairs. */
static UrlResponse *make_response(const char *url, const char *const *pairs)
{
    UrlHeaderList *headers = url__header_list_new();
    for (size_t i = 0; pairs != NULL && pairs[i] != NULL; i += 2)
        url__header_list_append(headers, pairs[i], pairs[i + 1]);
    return url__response_new(200, url, "http/1.1", headers);
}

static void test_getters(void)
{
    UrlHeaderList *headers = url__header_list_new();
    url__header_list_append(headers, "Set-Cookie", "a=1");
    url__header_list_append(headers, "Server", "nginx");
    url__header_list_append(headers, "set-cookie", "b=2");
    UrlResponse *response = url__response_new(404, "https://example.com/x", "h2", headers);

    g_assert_cmpint(url_response_get_status_code(response), ==, 404);
    g_assert_cmpstr(url_response_get_url(response), ==, "https://example.com/x");
    g_assert_cmpstr(url_response_get_http_version(response), ==, "h2");
    g_assert_cmpuint(url_response_get_header_count(response), ==, 3);
    g_assert_cmpstr(url_response_get_header(response, "SERVER"), ==, "nginx");
    g_assert_null(url_response_get_header(response, "Content-Type"));
    g_assert_true(url__response_get_headers(response) == headers);

    const char *name = NULL, *value = NULL;
    g_assert_true(url_response_get_header_at(response, 2, &name, &value));
    g_assert_cmpstr(name, ==, "set-cookie");
    g_assert_cmpstr(value, ==, "b=2");
    g_assert_false(url_response_get_header_at(response, 3, &name, &value));

    char *joined = url_response_get_header_joined(response, "Set-Cookie");
    g_assert_cmpstr(joined, ==, "a=1, b=2");
    free(joined);
    g_assert_null(url_response_get_header_joined(response, "Accept"));

    g_assert_null(url_response_get_mime_type(response));
    g_assert_null(url_response_get_text_encoding_name(response));
    g_assert_cmpint(url_response_get_expected_content_length(response), ==, -1);

    const UrlResponse *borrowed = response;
    g_assert_true(url_response_ref(borrowed) == response);
    url_response_unref(response);
    url_response_unref(response);
    url_response_unref(NULL);
}

static void test_without_headers(void)
{
    UrlResponse *response = url__response_new(204, "http://example.com/", "http/1.0", NULL);
    g_assert_cmpuint(url_response_get_header_count(response), ==, 0);
    g_assert_cmpstr(url_response_get_http_version(response), ==, "http/1.0");
    g_assert_cmpstr(url_response_get_suggested_filename(response), ==, "download");
    url_response_unref(response);
}

static void assert_content_type(const char *content_type, const char *mime, const char *charset)
{
    const char *pairs[] = {"Content-Type", content_type, NULL};
    UrlResponse *response = make_response("http://example.com/", pairs);
    g_assert_cmpstr(url_response_get_mime_type(response), ==, mime);
    g_assert_cmpstr(url_response_get_text_encoding_name(response), ==, charset);
    url_response_unref(response);
}

static void test_mime_type_and_charset(void)
{
    assert_content_type("text/html", "text/html", NULL);
    assert_content_type("Text/HTML; Charset=\"UTF-8\"", "text/html", "utf-8");
    assert_content_type("text/plain;format=flowed;charset=ISO-8859-1", "text/plain", "iso-8859-1");
    assert_content_type("  application/json ; charset = utf-8 ", "application/json", "utf-8");
    assert_content_type("application/vnd.api+json", "application/vnd.api+json", NULL);
    assert_content_type("text/plain; charset=\"\"", "text/plain", NULL);
    assert_content_type("text/plain; name=\"a;charset=x\"; charset=koi8-r", "text/plain", "koi8-r");
    assert_content_type("garbage", NULL, NULL);
    assert_content_type("text/", NULL, NULL);
    assert_content_type("", NULL, NULL);
}

static void assert_length(const char *const *pairs, int64_t expected)
{
    UrlResponse *response = make_response("http://example.com/", pairs);
    g_assert_cmpint(url_response_get_expected_content_length(response), ==, expected);
    url_response_unref(response);
}

static void test_expected_content_length(void)
{
    assert_length((const char *[]){"Content-Length", "1234", NULL}, 1234);
    assert_length((const char *[]){"Content-Length", " 0 ", NULL}, 0);
    assert_length((const char *[]){"Content-Length", "9223372036854775807", NULL}, G_MAXINT64);
    assert_length((const char *[]){"Content-Length", "9223372036854775808", NULL}, -1);
    assert_length((const char *[]){NULL}, -1);
    assert_length((const char *[]){"Content-Length", "abc", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "-5", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "+5", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "", NULL}, -1);
    /* Repeated identical values are one value; differing ones are unknown. */
    assert_length((const char *[]){"Content-Length", "12", "content-length", "12", NULL}, 12);
    assert_length((const char *[]){"Content-Length", "12, 12", NULL}, 12);
    assert_length((const char *[]){"Content-Length", "12,\t12 ", "Content-Length", "12", NULL}, 12);
    assert_length((const char *[]){"Content-Length", "12,", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "12,,12", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "12", "Content-Length", "", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "12", "Content-Length", "12, 13", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "12", "Content-Length", "13", NULL}, -1);
    /* The decoded body's length is unknown. */
    assert_length((const char *[]){"Content-Length", "100", "Content-Encoding", "gzip", NULL}, -1);
    assert_length((const char *[]){"Content-Length", "100", "Content-Encoding", "identity", NULL},
                  100);
    assert_length((const char *[]){"Content-Length", "100", "Transfer-Encoding", "chunked", NULL},
                  -1);
}

static void assert_filename(const char *url, const char *disposition, const char *content_type,
                            const char *expected)
{
    const char *pairs[5] = {NULL};
    size_t n = 0;
    if (disposition != NULL) {
        pairs[n++] = "Content-Disposition";
        pairs[n++] = disposition;
    }
    if (content_type != NULL) {
        pairs[n++] = "Content-Type";
        pairs[n++] = content_type;
    }
    UrlResponse *response = make_response(url, pairs);
    g_assert_cmpstr(url_response_get_suggested_filename(response), ==, expected);
    url_response_unref(response);
}

static void test_suggested_filename_from_content_disposition(void)
{
    const char *url = "http://example.com/get?id=7";
    assert_filename(url, "attachment; filename=\"report.pdf\"", NULL, "report.pdf");
    assert_filename(url, "attachment; filename=plain.txt", NULL, "plain.txt");
    assert_filename(url, "attachment; FILENAME=\"Upper.txt\"", NULL, "Upper.txt");
    /* RFC 5987 / 8187 form wins over the ASCII fallback, in either order. */
    assert_filename(url,
                    "attachment; filename=\"fallback.txt\"; "
                    "filename*=UTF-8''na%C3%AFve%20file.txt",
                    NULL, "na\xc3\xafve file.txt");
    assert_filename(url, "attachment; filename*=utf-8'en'%E2%82%AC.txt; filename=\"EUR.txt\"", NULL,
                    "\xe2\x82\xac.txt");
    assert_filename(url, "attachment; filename*=ISO-8859-1''caf%E9.txt", NULL, "caf\xc3\xa9.txt");
    /* An ext-value that does not decode falls back to filename. */
    assert_filename(url, "attachment; filename*=UTF-8''%FF%FE.txt; filename=\"ok.txt\"", NULL,
                    "ok.txt");
    assert_filename(url, "attachment; filename*=KOI8-R''%C1.txt; filename=\"ok.txt\"", NULL,
                    "ok.txt");
    /* Quoted strings: escapes and separators inside quotes. */
    assert_filename(url, "attachment; filename=\"a \\\"quoted\\\" name; really.txt\"", NULL,
                    "a \"quoted\" name; really.txt");
    assert_filename(url, "inline; filename=my file.txt", NULL, "my file.txt");
    assert_filename(url, "attachment; filename=\"unterminated.txt", NULL, "unterminated.txt");
}

static void test_suggested_filename_is_safe(void)
{
    const char *url = "http://example.com/fallback.bin";
    assert_filename(url, "attachment; filename=\"../../etc/passwd\"", NULL, "passwd");
    assert_filename(url, "attachment; filename=\"C:\\\\Windows\\\\evil.exe\"", NULL, "evil.exe");
    assert_filename(url, "attachment; filename=\".bashrc\"", NULL, "bashrc");
    assert_filename(url, "attachment; filename*=UTF-8''a%0Ab%01c.txt", NULL, "a_b_c.txt");
    assert_filename(url, "attachment; filename*=UTF-8''..%2F..%2Fx", NULL, "x");
    /* Nothing usable left: the URL decides. */
    assert_filename(url, "attachment; filename=\"..\"", NULL, "fallback.bin");
    assert_filename(url, "attachment; filename=\"dir/\"", NULL, "fallback.bin");
    assert_filename(url, "attachment", NULL, "fallback.bin");
}

static void test_suggested_filename_from_url(void)
{
    assert_filename("http://example.com/files/archive.tar.gz?x=1#top", NULL, NULL,
                    "archive.tar.gz");
    assert_filename("http://example.com/docs/", NULL, "text/html", "docs");
    assert_filename("http://example.com/caf%C3%A9%20menu.pdf", NULL, NULL, "caf\xc3\xa9 menu.pdf");
    assert_filename("http://example.com/%2E%2Ehidden", NULL, NULL, "hidden");
    assert_filename("http://example.com/", NULL, "text/html; charset=utf-8", "index.html");
    assert_filename("http://example.com/", NULL, "TEXT/HTML", "index.html");
    assert_filename("http://example.com/", NULL, "application/json", "download");
    assert_filename("http://example.com", NULL, NULL, "download");
}

static void assert_sanitized(const char *name, const char *expected)
{
    char *safe = url__sanitize_filename(name);
    g_assert_cmpstr(safe, ==, expected);
    g_free(safe);
}

static void test_sanitize_filename(void)
{
    assert_sanitized("report.pdf", "report.pdf");
    assert_sanitized("a/b/c.txt", "c.txt");
    assert_sanitized("a\\b\\c.txt", "c.txt");
    assert_sanitized("..", NULL);
    assert_sanitized(".", NULL);
    assert_sanitized("...", NULL);
    assert_sanitized("../", NULL);
    assert_sanitized("", NULL);
    assert_sanitized("   ", NULL);
    assert_sanitized(NULL, NULL);
    assert_sanitized("  .hidden  ", "hidden");
    assert_sanitized("..a..b..", "a..b..");
    assert_sanitized("tab\there\x7f", "tab_here_");
    /* Bytes that are not UTF-8 become U+FFFD. */
    assert_sanitized("x\xffy", "x\xef\xbf\xbdy");
}

static void test_sanitize_limits_length(void)
{
    GString *name = g_string_new(NULL);
    for (int i = 0; i < 300; i++)
        g_string_append_c(name, 'a');
    g_string_append(name, ".txt");
    char *safe = url__sanitize_filename(name->str);
    g_assert_cmpuint(strlen(safe), ==, 255);
    g_assert_true(g_str_has_suffix(safe, ".txt"));
    g_free(safe);

    /* Two-byte characters: the cut falls on a character boundary. */
    g_string_truncate(name, 0);
    for (int i = 0; i < 200; i++)
        g_string_append(name, "\xc3\xa9");
    safe = url__sanitize_filename(name->str);
    g_assert_cmpuint(strlen(safe), <=, 255);
    g_assert_cmpuint(strlen(safe), >=, 254);
    g_assert_true(g_utf8_validate(safe, -1, NULL));
    g_free(safe);
    g_string_free(name, TRUE);
}

static void test_getters_tolerate_null(void)
{
    LogCapture capture;
    log_capture_begin(&capture);
    g_assert_cmpint(url_response_get_status_code(NULL), ==, 0);
    g_assert_null(url_response_get_url(NULL));
    g_assert_null(url_response_get_header(NULL, "A"));
    g_assert_cmpint(url_response_get_expected_content_length(NULL), ==, -1);
    g_assert_null(url_response_get_suggested_filename(NULL));
    /* The headers passed in are freed even then (valgrind checks). */
    g_assert_null(url__response_new(200, NULL, "h2", url__header_list_new()));
    log_capture_end_expect(&capture, "*response != NULL*URL and the HTTP version are required*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/response/getters", test_getters);
    g_test_add_func("/response/without-headers", test_without_headers);
    g_test_add_func("/response/mime-type-and-charset", test_mime_type_and_charset);
    g_test_add_func("/response/expected-content-length", test_expected_content_length);
    g_test_add_func("/response/suggested-filename-from-content-disposition",
                    test_suggested_filename_from_content_disposition);
    g_test_add_func("/response/suggested-filename-is-safe", test_suggested_filename_is_safe);
    g_test_add_func("/response/suggested-filename-from-url", test_suggested_filename_from_url);
    g_test_add_func("/response/sanitize-filename", test_sanitize_filename);
    g_test_add_func("/response/sanitize-limits-length", test_sanitize_limits_length);
    g_test_add_func("/response/getters-tolerate-null", test_getters_tolerate_null);
    return g_test_run();
}
