/* test_error.c — UrlError: construction, redaction, reference counting, code names. */
#include "session/error.h"

#include <string.h>

#include <glib.h>

#include "log_capture.h"

typedef struct {
    UrlErrorCode code;
    const char *name;
} CodeName;

/* Every enumerator of <urlsession/error.h>, spelled out so a missing table entry shows. */
static const CodeName all_codes[] = {
    {URL_ERROR_UNKNOWN, "URL_ERROR_UNKNOWN"},
    {URL_ERROR_CANCELLED, "URL_ERROR_CANCELLED"},
    {URL_ERROR_BAD_URL, "URL_ERROR_BAD_URL"},
    {URL_ERROR_TIMED_OUT, "URL_ERROR_TIMED_OUT"},
    {URL_ERROR_UNSUPPORTED_URL, "URL_ERROR_UNSUPPORTED_URL"},
    {URL_ERROR_CANNOT_FIND_HOST, "URL_ERROR_CANNOT_FIND_HOST"},
    {URL_ERROR_CANNOT_CONNECT_TO_HOST, "URL_ERROR_CANNOT_CONNECT_TO_HOST"},
    {URL_ERROR_NETWORK_CONNECTION_LOST, "URL_ERROR_NETWORK_CONNECTION_LOST"},
    {URL_ERROR_DNS_LOOKUP_FAILED, "URL_ERROR_DNS_LOOKUP_FAILED"},
    {URL_ERROR_HTTP_TOO_MANY_REDIRECTS, "URL_ERROR_HTTP_TOO_MANY_REDIRECTS"},
    {URL_ERROR_RESOURCE_UNAVAILABLE, "URL_ERROR_RESOURCE_UNAVAILABLE"},
    {URL_ERROR_NOT_CONNECTED_TO_INTERNET, "URL_ERROR_NOT_CONNECTED_TO_INTERNET"},
    {URL_ERROR_REDIRECT_TO_NON_EXISTENT_LOCATION, "URL_ERROR_REDIRECT_TO_NON_EXISTENT_LOCATION"},
    {URL_ERROR_BAD_SERVER_RESPONSE, "URL_ERROR_BAD_SERVER_RESPONSE"},
    {URL_ERROR_USER_CANCELLED_AUTHENTICATION, "URL_ERROR_USER_CANCELLED_AUTHENTICATION"},
    {URL_ERROR_USER_AUTHENTICATION_REQUIRED, "URL_ERROR_USER_AUTHENTICATION_REQUIRED"},
    {URL_ERROR_ZERO_BYTE_RESOURCE, "URL_ERROR_ZERO_BYTE_RESOURCE"},
    {URL_ERROR_CANNOT_DECODE_RAW_DATA, "URL_ERROR_CANNOT_DECODE_RAW_DATA"},
    {URL_ERROR_CANNOT_DECODE_CONTENT_DATA, "URL_ERROR_CANNOT_DECODE_CONTENT_DATA"},
    {URL_ERROR_CANNOT_PARSE_RESPONSE, "URL_ERROR_CANNOT_PARSE_RESPONSE"},
    {URL_ERROR_DATA_NOT_ALLOWED, "URL_ERROR_DATA_NOT_ALLOWED"},
    {URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED, "URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED"},
    {URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION,
     "URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION"},
    {URL_ERROR_FILE_DOES_NOT_EXIST, "URL_ERROR_FILE_DOES_NOT_EXIST"},
    {URL_ERROR_FILE_IS_DIRECTORY, "URL_ERROR_FILE_IS_DIRECTORY"},
    {URL_ERROR_NO_PERMISSIONS_TO_READ_FILE, "URL_ERROR_NO_PERMISSIONS_TO_READ_FILE"},
    {URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM, "URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM"},
    {URL_ERROR_SECURE_CONNECTION_FAILED, "URL_ERROR_SECURE_CONNECTION_FAILED"},
    {URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE, "URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE"},
    {URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED, "URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED"},
    {URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT,
     "URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT"},
    {URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID, "URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID"},
    {URL_ERROR_CLIENT_CERTIFICATE_REJECTED, "URL_ERROR_CLIENT_CERTIFICATE_REJECTED"},
    {URL_ERROR_CLIENT_CERTIFICATE_REQUIRED, "URL_ERROR_CLIENT_CERTIFICATE_REQUIRED"},
    {URL_ERROR_CANNOT_LOAD_FROM_NETWORK, "URL_ERROR_CANNOT_LOAD_FROM_NETWORK"},
    {URL_ERROR_CANNOT_CREATE_FILE, "URL_ERROR_CANNOT_CREATE_FILE"},
    {URL_ERROR_CANNOT_OPEN_FILE, "URL_ERROR_CANNOT_OPEN_FILE"},
    {URL_ERROR_CANNOT_CLOSE_FILE, "URL_ERROR_CANNOT_CLOSE_FILE"},
    {URL_ERROR_CANNOT_WRITE_TO_FILE, "URL_ERROR_CANNOT_WRITE_TO_FILE"},
    {URL_ERROR_CANNOT_REMOVE_FILE, "URL_ERROR_CANNOT_REMOVE_FILE"},
    {URL_ERROR_CANNOT_MOVE_FILE, "URL_ERROR_CANNOT_MOVE_FILE"},
};

static void test_new_keeps_code_message_and_url(void)
{
    UrlError *error =
        url_error_new(URL_ERROR_TIMED_OUT, "no byte for 60 s", "https://example.com/a");
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_TIMED_OUT);
    g_assert_cmpstr(url_error_get_message(error), ==, "no byte for 60 s");
    g_assert_cmpstr(url_error_get_failing_url(error), ==, "https://example.com/a");
    url_error_unref(error);
}

static void test_new_without_message_uses_description(void)
{
    UrlError *error = url_error_new(URL_ERROR_CANNOT_FIND_HOST, NULL, NULL);
    g_assert_cmpstr(url_error_get_message(error), ==,
                    url_error_code_describe(URL_ERROR_CANNOT_FIND_HOST));
    g_assert_null(url_error_get_failing_url(error));
    url_error_unref(error);

    error = url_error_new(URL_ERROR_TIMED_OUT, "", NULL);
    g_assert_cmpstr(url_error_get_message(error), ==, "the request timed out");
    url_error_unref(error);
}

static void test_failing_url_is_redacted(void)
{
    UrlError *error =
        url_error_new(URL_ERROR_CANCELLED, NULL, "https://user:secret@example.com:8443/p?q=1");
    g_assert_cmpstr(url_error_get_failing_url(error), ==, "https://example.com:8443/p?q=1");
    url_error_unref(error);

    error = url__error_newf(URL_ERROR_TIMED_OUT, "http://u:p@h/x", "after %d s", 5);
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_TIMED_OUT);
    g_assert_cmpstr(url_error_get_message(error), ==, "after 5 s");
    g_assert_cmpstr(url_error_get_failing_url(error), ==, "http://h/x");
    url_error_unref(error);
}

static void test_ref_shares_the_error(void)
{
    UrlError *error = url_error_new(URL_ERROR_UNKNOWN, "x", NULL);
    const UrlError *borrowed = error;
    UrlError *second = url_error_ref(borrowed);
    g_assert_true(second == error);
    url_error_unref(error);
    /* Still alive through the second reference. */
    g_assert_cmpstr(url_error_get_message(second), ==, "x");
    url_error_unref(second);
    url_error_unref(NULL);
}

static void test_error_set_first_wins(void)
{
    UrlError *error = NULL;
    url__error_set(&error, URL_ERROR_BAD_URL, "first %s", "problem");
    url__error_set(&error, URL_ERROR_TIMED_OUT, "second");
    g_assert_nonnull(error);
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_assert_cmpstr(url_error_get_message(error), ==, "first problem");
    g_assert_null(url_error_get_failing_url(error));
    url_error_unref(error);

    /* A caller that does not want details passes NULL. */
    url__error_set(NULL, URL_ERROR_BAD_URL, "ignored");
}

static void test_every_code_has_a_name_and_description(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(all_codes); i++) {
        g_assert_cmpstr(url_error_code_name(all_codes[i].code), ==, all_codes[i].name);
        const char *description = url_error_code_describe(all_codes[i].code);
        g_assert_nonnull(description);
        g_assert_cmpuint(strlen(description), >, 0);
        /* Descriptions tell codes apart. */
        for (size_t j = 0; j < i; j++)
            g_assert_cmpstr(url_error_code_describe(all_codes[j].code), !=, description);
    }
    g_assert_cmpstr(url_error_code_describe(URL_ERROR_TIMED_OUT), ==, "the request timed out");
}

static void test_unknown_code(void)
{
    g_assert_cmpstr(url_error_code_name((UrlErrorCode)12345), ==, "URL_ERROR_UNKNOWN");
    g_assert_cmpstr(url_error_code_describe((UrlErrorCode)12345), ==,
                    url_error_code_describe(URL_ERROR_UNKNOWN));
    UrlError *error = url_error_new((UrlErrorCode)-4242, NULL, NULL);
    g_assert_cmpint(url_error_get_code(error), ==, -4242);
    g_assert_cmpstr(url_error_get_message(error), ==, "an unknown error occurred");
    url_error_unref(error);
}

static void test_quote_escapes(void)
{
    static const struct {
        const char *text;
        const char *quoted;
    } cases[] = {
        {"X-A\r", "\"X-A\\r\""},
        {"a\r\nInjected: 1", "\"a\\r\\nInjected: 1\""},
        {"tab\there", "\"tab\\there\""},
        {"say \"hi\" \\o/", "\"say \\\"hi\\\" \\\\o/\""},
        {"bell\x07 del\x7f", "\"bell\\x07 del\\x7f\""},
        {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
        {"bad\xff\xfe", "\"bad\\xff\\xfe\""},
        {"", "\"\""},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *quoted = url__error_quote(cases[i].text);
        g_assert_cmpstr(quoted, ==, cases[i].quoted);
        g_free(quoted);
    }
    char *none = url__error_quote(NULL);
    g_assert_cmpstr(none, ==, "NULL");
    g_free(none);
}

static void test_addresses_tried(void)
{
    UrlError *plain = url_error_new(URL_ERROR_CANNOT_CONNECT_TO_HOST, "refused", NULL);
    g_assert_cmpuint(url_error_get_addresses_tried_count(plain), ==, 0);
    g_assert_null(url_error_get_address_tried(plain, 0));

    const char *const tried[] = {"2001:db8::1", "192.0.2.1"};
    UrlError *error = url__error_with_addresses_tried(plain, tried, 2);
    url_error_unref(plain);
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_CANNOT_CONNECT_TO_HOST);
    g_assert_cmpstr(url_error_get_message(error), ==, "refused");
    g_assert_cmpuint(url_error_get_addresses_tried_count(error), ==, 2);
    g_assert_cmpstr(url_error_get_address_tried(error, 0), ==, "2001:db8::1");
    g_assert_cmpstr(url_error_get_address_tried(error, 1), ==, "192.0.2.1");
    g_assert_null(url_error_get_address_tried(error, 2));

    /* Adding resume data keeps the addresses, and the reverse. */
    GBytes *blob = g_bytes_new_static("resume", 6);
    UrlError *resumable = url__error_with_resume_data(error, blob);
    g_bytes_unref(blob);
    url_error_unref(error);
    g_assert_cmpuint(url_error_get_addresses_tried_count(resumable), ==, 2);
    g_assert_cmpstr(url_error_get_address_tried(resumable, 1), ==, "192.0.2.1");
    UrlError *again = url__error_with_addresses_tried(resumable, tried, 1);
    url_error_unref(resumable);
    size_t length = 0;
    g_assert_nonnull(url_error_get_resume_data(again, &length));
    g_assert_cmpuint(length, ==, 6);
    g_assert_cmpuint(url_error_get_addresses_tried_count(again), ==, 1);
    url_error_unref(again);
}

static void test_getters_tolerate_null(void)
{
    /* g_return_val_if_fail reports a critical; it must not abort or crash. */
    LogCapture capture;
    log_capture_begin(&capture);
    g_assert_cmpint(url_error_get_code(NULL), ==, URL_ERROR_UNKNOWN);
    g_assert_nonnull(url_error_get_message(NULL));
    g_assert_null(url_error_get_failing_url(NULL));
    g_assert_null(url_error_ref(NULL));
    log_capture_end_expect(&capture, "*url_error_get_code*error != NULL*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/error/new-keeps-code-message-and-url", test_new_keeps_code_message_and_url);
    g_test_add_func("/error/new-without-message-uses-description",
                    test_new_without_message_uses_description);
    g_test_add_func("/error/failing-url-is-redacted", test_failing_url_is_redacted);
    g_test_add_func("/error/ref-shares-the-error", test_ref_shares_the_error);
    g_test_add_func("/error/error-set-first-wins", test_error_set_first_wins);
    g_test_add_func("/error/every-code-has-a-name-and-description",
                    test_every_code_has_a_name_and_description);
    g_test_add_func("/error/unknown-code", test_unknown_code);
    g_test_add_func("/error/quote-escapes", test_quote_escapes);
    g_test_add_func("/error/getters-tolerate-null", test_getters_tolerate_null);
    g_test_add_func("/error/addresses-tried", test_addresses_tried);
    return g_test_run();
}
