/* test_url.c — URL normalisation and refusal messages, redirects, redaction, origins. */
#include "http/url.h"

#include <glib.h>

/* Normalising @url fails with @code and exactly @message. */
static void assert_refused(const char *url, UrlErrorCode code, const char *message)
{
    UrlError *error = NULL;
    char *normal = url__url_normalize(url, &error);
    g_assert_null(normal);
    g_assert_nonnull(error);
    g_assert_cmpint(url_error_get_code(error), ==, code);
    g_assert_cmpstr(url_error_get_message(error), ==, message);
    url_error_unref(error);
    g_assert_null(url__url_normalize(url, NULL));
}

static void assert_normal(const char *url, const char *expected)
{
    UrlError *error = NULL;
    char *normal = url__url_normalize(url, &error);
    g_assert_null(error);
    g_assert_cmpstr(normal, ==, expected);
    g_free(normal);
}

static void test_normalize_accepts_http_and_https(void)
{
    assert_normal("http://example.com", "http://example.com/");
    assert_normal("HTTPS://example.com:8443/a/../b/./c?q=1#frag",
                  "https://example.com:8443/b/c?q=1#frag");
    assert_normal("http://user:pw@example.com/x", "http://user:pw@example.com/x");
    assert_normal("https://[2001:db8::1]:8443/", "https://[2001:db8::1]:8443/");
    assert_normal("http://example.com/caf\xc3\xa9", "http://example.com/caf\xc3\xa9");
    /* A percent-escaped IPv4 number: one curl pass gives "http://1/", the next
     * "http://0.0.0.1/"; normalising must reach the fixed point (found by fuzz_url). */
    assert_normal("HTTP:/%31", "http://0.0.0.1/");
    assert_normal("http://%31/", "http://0.0.0.1/");
    assert_normal("http://0.0.0.1/", "http://0.0.0.1/");
}

static void test_normalize_gives_curls_reason(void)
{
    assert_refused("http://a:99999/", URL_ERROR_BAD_URL,
                   "bad URL \"http://a:99999/\": Port number was not a decimal number between 0 "
                   "and 65535");
    assert_refused("http://", URL_ERROR_BAD_URL, "bad URL \"http://\": No host part in the URL");
    assert_refused("example.com/path", URL_ERROR_BAD_URL,
                   "bad URL \"example.com/path\": Bad scheme");
    assert_refused("", URL_ERROR_BAD_URL, "bad URL \"\": Bad scheme");
    assert_refused(NULL, URL_ERROR_BAD_URL, "bad URL: none given");
}

static void test_normalize_refuses_other_schemes(void)
{
    assert_refused("ftp://example.com/file", URL_ERROR_UNSUPPORTED_URL,
                   "unsupported URL \"ftp://example.com/file\": only http and https are supported");
    assert_refused("file:///etc/passwd", URL_ERROR_UNSUPPORTED_URL,
                   "unsupported URL \"file:///etc/passwd\": only http and https are supported");
    /* curl refuses this one itself; the scheme still decides the code. */
    assert_refused("mailto:someone@example.com", URL_ERROR_UNSUPPORTED_URL,
                   "unsupported URL \"mailto:someone@example.com\": only http and https are "
                   "supported");
}

static void test_normalize_refuses_spaces_and_controls(void)
{
    assert_refused("http://example.com/a b", URL_ERROR_BAD_URL,
                   "bad URL \"http://example.com/a b\": contains a space");
    assert_refused("http://example.com/\r\nX-Injected: 1", URL_ERROR_BAD_URL,
                   "bad URL \"http://example.com/\\r\\nX-Injected: 1\": contains CR or LF");
    assert_refused("http://example.com/\t", URL_ERROR_BAD_URL,
                   "bad URL \"http://example.com/\\t\": contains a control character");
    assert_refused(" http://example.com/", URL_ERROR_BAD_URL,
                   "bad URL \" http://example.com/\": contains a space");
}

static void test_refusal_redacts_credentials(void)
{
    UrlError *error = NULL;
    g_assert_null(url__url_normalize("http://user:secret@a:99999/", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "bad URL \"http://a:99999/\": Port number was not a decimal number between 0 "
                    "and 65535");
    g_assert_cmpstr(url_error_get_failing_url(error), ==, "http://a:99999/");
    url_error_unref(error);
}

static void assert_resolves(const char *base, const char *location, const char *expected)
{
    UrlError *error = NULL;
    char *resolved = url__url_resolve(base, location, &error);
    g_assert_null(error);
    g_assert_cmpstr(resolved, ==, expected);
    g_free(resolved);
}

static void test_resolve_relative_references(void)
{
    const char *base = "http://u:p@a.example/b/c?d#e";
    assert_resolves(base, "x", "http://u:p@a.example/b/x");
    assert_resolves(base, "../y", "http://u:p@a.example/y");
    assert_resolves(base, "/z?k=v", "http://u:p@a.example/z?k=v");
    assert_resolves(base, "//other.example/p", "http://other.example/p");
    assert_resolves(base, "?q", "http://u:p@a.example/b/c?q");
    assert_resolves(base, "#f", "http://u:p@a.example/b/c?d#f");
    assert_resolves(base, "", "http://u:p@a.example/b/c?d");
    assert_resolves(base, "https://b.example/", "https://b.example/");
    /* Raw spaces are encoded like browsers do. */
    assert_resolves(base, "a b", "http://u:p@a.example/b/a%20b");
    /* The result is normal: normalising it again changes nothing (found by fuzz_url). */
    assert_resolves("https://m/", "HTTP:/%31", "http://0.0.0.1/");
}

static void test_resolve_refusals(void)
{
    UrlError *error = NULL;
    g_assert_null(url__url_resolve("http://a/", "ftp://b/", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_UNSUPPORTED_URL);
    g_clear_pointer(&error, url_error_unref);

    g_assert_null(url__url_resolve("http://a/", "/x\r\nSet-Cookie: y", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "bad redirect location \"/x\\r\\nSet-Cookie: y\": contains CR or LF");
    g_clear_pointer(&error, url_error_unref);

    g_assert_null(url__url_resolve("http://a/", "http://b:99999/", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_clear_pointer(&error, url_error_unref);

    g_assert_null(url__url_resolve("not a url", "/x", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_clear_pointer(&error, url_error_unref);

    g_assert_null(url__url_resolve("http://a/", NULL, &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_clear_pointer(&error, url_error_unref);
}

static void assert_redacts(const char *url, const char *expected)
{
    char *redacted = url__url_redact(url);
    g_assert_cmpstr(redacted, ==, expected);
    g_free(redacted);
}

static void test_redact(void)
{
    assert_redacts("https://user:pw@example.com/x", "https://example.com/x");
    assert_redacts("http://user@h/", "http://h/");
    assert_redacts("http://a@b@h:8080/p@q?r@s", "http://h:8080/p@q?r@s");
    assert_redacts("http://h/path?email=a@b", "http://h/path?email=a@b");
    assert_redacts("https://example.com/", "https://example.com/");
    /* URLs curl refuses are redacted too: they end up in messages. */
    assert_redacts("http://u:p@h:99999/", "http://h:99999/");
    assert_redacts("not a url", "not a url");
    g_assert_null(url__url_redact(NULL));
}

static void test_same_origin(void)
{
    g_assert_true(url__url_same_origin("http://a.example/", "http://A.EXAMPLE:80/x?y"));
    g_assert_true(url__url_same_origin("https://a.example/", "https://a.example:443/"));
    g_assert_true(url__url_same_origin("http://[::1]/", "http://[::1]:80/z"));
    g_assert_true(url__url_same_origin("http://u:p@a/", "http://a/"));
    g_assert_false(url__url_same_origin("http://a/", "https://a/"));
    g_assert_false(url__url_same_origin("http://a:8080/", "http://a/"));
    g_assert_false(url__url_same_origin("https://a:80/", "http://a:80/"));
    g_assert_false(url__url_same_origin("http://a/", "http://b/"));
    g_assert_false(url__url_same_origin("http://a/", "not a url"));
    g_assert_false(url__url_same_origin(NULL, "http://a/"));
}

static void test_is_https(void)
{
    g_assert_true(url__url_is_https("https://x/"));
    g_assert_true(url__url_is_https("HTTPS://x/"));
    g_assert_false(url__url_is_https("http://x/"));
    g_assert_false(url__url_is_https("httpsx://x/"));
    g_assert_false(url__url_is_https(NULL));
}

static void assert_segment(const char *url, const char *expected)
{
    char *segment = url__url_last_path_segment(url);
    g_assert_cmpstr(segment, ==, expected);
    g_free(segment);
}

static void test_last_path_segment(void)
{
    assert_segment("http://h/a/b/file.txt", "file.txt");
    assert_segment("http://h/a/b/", "b");
    assert_segment("http://h/a/b//", "b");
    assert_segment("http://h/dir/caf%C3%A9.pdf?x=1#y", "caf\xc3\xa9.pdf");
    assert_segment("http://h/a%2Fb", "a/b");
    /* Undecodable: kept as sent rather than lost. */
    assert_segment("http://h/x%00y", "x%00y");
    assert_segment("http://h/", NULL);
    assert_segment("http://h", NULL);
    assert_segment("http://h:99999/x", NULL);
    assert_segment(NULL, NULL);
}

/* Found by fuzz_url: curl percent-decodes the host, so "%7F" became a raw DEL byte in
 * the normalised URL, which would then go on the wire in the Host header. */
static void test_normalize_refuses_decoded_control_in_host(void)
{
    const char *urls[] = {"http://example.com%7F/",
                          "HTTP://EXAMPLE.COM\304\307\317\320\332\310\277\320%7F?q=%",
                          "http://exa%0Dmple.com/", "http://exa%20mple.com/"};
    for (size_t i = 0; i < G_N_ELEMENTS(urls); i++) {
        UrlError *error = NULL;
        char *normal = url__url_normalize(urls[i], &error);
        g_assert_null(normal);
        g_assert_nonnull(error);
        g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
        url_error_unref(error);
    }
    /* International host names are not control characters: still accepted. */
    char *normal = url__url_normalize("http://b\303\274cher.example/", NULL);
    g_assert_nonnull(normal);
    g_free(normal);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/url/normalize-accepts-http-and-https", test_normalize_accepts_http_and_https);
    g_test_add_func("/url/normalize-gives-curls-reason", test_normalize_gives_curls_reason);
    g_test_add_func("/url/normalize-refuses-other-schemes", test_normalize_refuses_other_schemes);
    g_test_add_func("/url/normalize-refuses-spaces-and-controls",
                    test_normalize_refuses_spaces_and_controls);
    g_test_add_func("/url/normalize-refuses-decoded-control-in-host",
                    test_normalize_refuses_decoded_control_in_host);
    g_test_add_func("/url/refusal-redacts-credentials", test_refusal_redacts_credentials);
    g_test_add_func("/url/resolve-relative-references", test_resolve_relative_references);
    g_test_add_func("/url/resolve-refusals", test_resolve_refusals);
    g_test_add_func("/url/redact", test_redact);
    g_test_add_func("/url/same-origin", test_same_origin);
    g_test_add_func("/url/is-https", test_is_https);
    g_test_add_func("/url/last-path-segment", test_last_path_segment);
    return g_test_run();
}
