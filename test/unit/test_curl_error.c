/* test_curl_error.c — CURLcode to NSURLError-compatible code mapping, and the messages. */
#include "http/curl_error.h"

#include <string.h>

#include <glib.h>
#include <openssl/x509_vfy.h>

typedef struct {
    CURLcode curl;
    long verify;
    UrlErrorCode expected;
} Case;

static const Case cases[] = {
    {CURLE_URL_MALFORMAT, 0, URL_ERROR_BAD_URL},
    {CURLE_UNSUPPORTED_PROTOCOL, 0, URL_ERROR_BAD_SERVER_RESPONSE},
    {CURLE_COULDNT_RESOLVE_HOST, 0, URL_ERROR_CANNOT_FIND_HOST},
    {CURLE_COULDNT_CONNECT, 0, URL_ERROR_CANNOT_CONNECT_TO_HOST},
    {CURLE_OPERATION_TIMEDOUT, 0, URL_ERROR_TIMED_OUT},
    {CURLE_RECV_ERROR, 0, URL_ERROR_NETWORK_CONNECTION_LOST},
    {CURLE_SEND_ERROR, 0, URL_ERROR_NETWORK_CONNECTION_LOST},
    {CURLE_PARTIAL_FILE, 0, URL_ERROR_NETWORK_CONNECTION_LOST},
    {CURLE_GOT_NOTHING, 0, URL_ERROR_NETWORK_CONNECTION_LOST},
    {CURLE_HTTP2_STREAM, 0, URL_ERROR_NETWORK_CONNECTION_LOST},
    {CURLE_WEIRD_SERVER_REPLY, 0, URL_ERROR_BAD_SERVER_RESPONSE},
    {CURLE_BAD_CONTENT_ENCODING, 0, URL_ERROR_CANNOT_DECODE_CONTENT_DATA},
    {CURLE_SSL_CONNECT_ERROR, 0, URL_ERROR_SECURE_CONNECTION_FAILED},
    {CURLE_PEER_FAILED_VERIFICATION, X509_V_ERR_CERT_HAS_EXPIRED,
     URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE},
    {CURLE_PEER_FAILED_VERIFICATION, X509_V_ERR_CERT_NOT_YET_VALID,
     URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID},
    {CURLE_PEER_FAILED_VERIFICATION, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
     URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT},
    {CURLE_PEER_FAILED_VERIFICATION, X509_V_ERR_HOSTNAME_MISMATCH,
     URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED},
    {CURLE_TOO_MANY_REDIRECTS, 0, URL_ERROR_HTTP_TOO_MANY_REDIRECTS},
    {CURLE_FILESIZE_EXCEEDED, 0, URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM},
    {CURLE_READ_ERROR, 0, URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED},
    {CURLE_WRITE_ERROR, 0, URL_ERROR_CANNOT_WRITE_TO_FILE},
    {CURLE_ABORTED_BY_CALLBACK, 0, URL_ERROR_CANCELLED},
    {CURLE_OUT_OF_MEMORY, 0, URL_ERROR_UNKNOWN},
};

static void test_codes(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        UrlErrorCode got = url__curl_error_code(cases[i].curl, cases[i].verify);
        if (got != cases[i].expected)
            g_error("CURLcode %d (verify %ld): expected %s, got %s", cases[i].curl, cases[i].verify,
                    url_error_code_name(cases[i].expected), url_error_code_name(got));
    }
}

static void test_success_is_no_error(void)
{
    g_assert_null(url__curl_error_new(CURLE_OK, 0, "ignored", "http://example.test/"));
}

static void test_message_names_curl_reason_and_redacts_url(void)
{
    UrlError *error =
        url__curl_error_new(CURLE_COULDNT_CONNECT, 0, "Failed to connect to 127.0.0.1 port 1",
                            "http://user:secret@127.0.0.1:1/x");
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_CANNOT_CONNECT_TO_HOST);
    g_assert_nonnull(strstr(url_error_get_message(error), "Failed to connect to 127.0.0.1 port 1"));
    g_assert_nonnull(strstr(url_error_get_message(error), "curl error 7"));
    g_assert_null(strstr(url_error_get_failing_url(error), "secret"));
    url_error_unref(error);

    /* Without curl's detail, curl's own description of the code is used. */
    error = url__curl_error_new(CURLE_OPERATION_TIMEDOUT, 0, "", "http://example.test/");
    g_assert_nonnull(
        strstr(url_error_get_message(error), curl_easy_strerror(CURLE_OPERATION_TIMEDOUT)));
    url_error_unref(error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/curl-error/codes", test_codes);
    g_test_add_func("/curl-error/ok", test_success_is_no_error);
    g_test_add_func("/curl-error/message", test_message_names_curl_reason_and_redacts_url);
    return g_test_run();
}
