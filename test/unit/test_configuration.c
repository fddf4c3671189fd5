/* test_configuration.c — configuration defaults, setters, refused values and deep copies. */
#include "session/configuration.h"

#include <math.h>
#include <string.h>

#include <curl/curl.h>
#include <glib.h>

#include <urlsession/urlsession.h>

#include "log_capture.h"

static void assert_defaults(const UrlSessionConfiguration *c)
{
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_request(c), ==, 60.0);
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_resource(c), ==, 604800.0);
    g_assert_cmpint(url_session_configuration_get_max_connections_per_host(c), ==, 6);
    g_assert_cmpstr(url_session_configuration_get_user_agent(c), ==, url_version_string());
    g_assert_null(url_session_configuration_get_ca_file(c));
    g_assert_null(url_session_configuration_get_ca_path(c));
    g_assert_cmpint(url_session_configuration_get_tls_minimum_version(c), ==, URL_TLS_VERSION_1_2);
    g_assert_cmpint(url_session_configuration_get_http_version(c), ==, URL_HTTP_VERSION_DEFAULT);
    g_assert_cmpstr(url_session_configuration_get_download_directory(c), ==, g_get_tmp_dir());
    g_assert_cmpuint(url_session_configuration_get_max_buffered_bytes(c), ==, 1024 * 1024);
    g_assert_cmpint(url_session_configuration_get_max_decoded_body_size(c), ==, 1 << 30);
    g_assert_false(url_session_configuration_get_waits_for_connectivity(c));
    g_assert_cmpint(url_session_configuration_get_multipath_service_type(c), ==,
                    URL_MULTIPATH_SERVICE_TYPE_NONE);
    g_assert_true(url_session_configuration_get_allows_cellular_access(c));
    g_assert_true(url_session_configuration_get_allows_expensive_network_access(c));
    g_assert_true(url_session_configuration_get_allows_constrained_network_access(c));
    g_assert_null(url_session_configuration_get_additional_header(c, "Accept"));
    g_assert_false(url_session_configuration_get_wifi_assist(c));
    g_assert_cmpfloat(url_session_configuration_get_wifi_assist_head_start(c), ==, 1.0);
}

static void test_default_values(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    assert_defaults(c);
    g_assert_false(url_session_configuration_is_ephemeral(c));
    url_session_configuration_unref(c);
}

static void test_ephemeral_values(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_ephemeral();
    assert_defaults(c);
    g_assert_true(url_session_configuration_is_ephemeral(c));
    url_session_configuration_unref(c);
}

static void test_default_user_agent_names_library_and_curl(void)
{
    char *expected = g_strdup_printf("liburlsession/%s libcurl/%s", URL_VERSION_STRING,
                                     curl_version_info(CURLVERSION_NOW)->version);
    g_assert_cmpstr(url_version_string(), ==, expected);
    g_assert_cmpstr(url__default_user_agent(), ==, expected);
    /* Computed once: the same static string every time. */
    g_assert_true(url_version_string() == url_version_string());
    g_free(expected);
}

static void test_setters_store_values(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    url_session_configuration_set_timeout_interval_for_request(c, 2.5);
    url_session_configuration_set_timeout_interval_for_resource(c, 30);
    url_session_configuration_set_max_connections_per_host(c, 1);
    url_session_configuration_set_user_agent(c, "app/1.0");
    url_session_configuration_set_ca_file(c, "/etc/ssl/test-ca.pem");
    url_session_configuration_set_ca_path(c, "/etc/ssl/certs");
    url_session_configuration_set_tls_minimum_version(c, URL_TLS_VERSION_1_3);
    url_session_configuration_set_http_version(c, URL_HTTP_VERSION_2);
    url_session_configuration_set_download_directory(c, "/var/tmp/downloads");
    url_session_configuration_set_max_buffered_bytes(c, 16384);
    url_session_configuration_set_max_decoded_body_size(c, 0);
    url_session_configuration_set_waits_for_connectivity(c, true);
    url_session_configuration_set_multipath_service_type(c, URL_MULTIPATH_SERVICE_TYPE_AGGREGATE);
    url_session_configuration_set_allows_cellular_access(c, false);
    url_session_configuration_set_allows_expensive_network_access(c, false);
    url_session_configuration_set_allows_constrained_network_access(c, false);

    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_request(c), ==, 2.5);
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_resource(c), ==, 30.0);
    g_assert_cmpint(url_session_configuration_get_max_connections_per_host(c), ==, 1);
    g_assert_cmpstr(url_session_configuration_get_user_agent(c), ==, "app/1.0");
    g_assert_cmpstr(url_session_configuration_get_ca_file(c), ==, "/etc/ssl/test-ca.pem");
    g_assert_cmpstr(url_session_configuration_get_ca_path(c), ==, "/etc/ssl/certs");
    g_assert_cmpint(url_session_configuration_get_tls_minimum_version(c), ==, URL_TLS_VERSION_1_3);
    g_assert_cmpint(url_session_configuration_get_http_version(c), ==, URL_HTTP_VERSION_2);
    g_assert_cmpstr(url_session_configuration_get_download_directory(c), ==, "/var/tmp/downloads");
    g_assert_cmpuint(url_session_configuration_get_max_buffered_bytes(c), ==, 16384);
    g_assert_cmpint(url_session_configuration_get_max_decoded_body_size(c), ==, 0);
    g_assert_true(url_session_configuration_get_waits_for_connectivity(c));
    g_assert_cmpint(url_session_configuration_get_multipath_service_type(c), ==,
                    URL_MULTIPATH_SERVICE_TYPE_AGGREGATE);
    g_assert_false(url_session_configuration_get_allows_cellular_access(c));
    g_assert_false(url_session_configuration_get_allows_expensive_network_access(c));
    g_assert_false(url_session_configuration_get_allows_constrained_network_access(c));

    /* NULL restores the documented defaults. */
    url_session_configuration_set_user_agent(c, NULL);
    g_assert_cmpstr(url_session_configuration_get_user_agent(c), ==, url_version_string());
    url_session_configuration_set_download_directory(c, NULL);
    g_assert_cmpstr(url_session_configuration_get_download_directory(c), ==, g_get_tmp_dir());
    url_session_configuration_set_ca_file(c, NULL);
    g_assert_null(url_session_configuration_get_ca_file(c));
    url_session_configuration_unref(c);
}

/* Each refused value must be reported (not abort) and leave the old value in place. */
static void refuse_request_timeouts(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    const double bad[] = {0, -1, NAN, INFINITY};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        url_session_configuration_set_timeout_interval_for_request(c, bad[i]);
        url_session_configuration_set_timeout_interval_for_resource(c, bad[i]);
    }
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_request(c), ==, 60.0);
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_resource(c), ==, 604800.0);
    url_session_configuration_unref(c);
}

static void refuse_limits(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    url_session_configuration_set_max_connections_per_host(c, 0);
    url_session_configuration_set_max_connections_per_host(c, -3);
    url_session_configuration_set_max_buffered_bytes(c, 16383);
    url_session_configuration_set_max_decoded_body_size(c, -1);
    g_assert_cmpint(url_session_configuration_get_max_connections_per_host(c), ==, 6);
    g_assert_cmpuint(url_session_configuration_get_max_buffered_bytes(c), ==, 1024 * 1024);
    g_assert_cmpint(url_session_configuration_get_max_decoded_body_size(c), ==, 1 << 30);
    url_session_configuration_unref(c);
}

static void refuse_enums_and_user_agent(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    url_session_configuration_set_tls_minimum_version(c, (UrlTlsVersion)14);
    url_session_configuration_set_http_version(c, (UrlHttpVersion)3);
    url_session_configuration_set_multipath_service_type(c, (UrlMultipathServiceType)4);
    url_session_configuration_set_user_agent(c, "app\r\nX-Injected: 1");
    g_assert_cmpint(url_session_configuration_get_tls_minimum_version(c), ==, URL_TLS_VERSION_1_2);
    g_assert_cmpint(url_session_configuration_get_http_version(c), ==, URL_HTTP_VERSION_DEFAULT);
    g_assert_cmpint(url_session_configuration_get_multipath_service_type(c), ==,
                    URL_MULTIPATH_SERVICE_TYPE_NONE);
    g_assert_cmpstr(url_session_configuration_get_user_agent(c), ==, url_version_string());
    url_session_configuration_unref(c);
}

static void getters_tolerate_null(void)
{
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_request(NULL), ==, 60.0);
    g_assert_cmpint(url_session_configuration_get_max_connections_per_host(NULL), ==, 6);
    g_assert_null(url_session_configuration_get_user_agent(NULL));
    g_assert_false(url_session_configuration_is_ephemeral(NULL));
    g_assert_null(url_session_configuration_copy(NULL));
    url_session_configuration_set_waits_for_connectivity(NULL, true);
    url_session_configuration_unref(NULL);
}

typedef struct {
    const char *name;
    void (*body)(void);
    const char *log_pattern;
} WarningCase;

static const WarningCase warning_cases[] = {
    {"timeouts", refuse_request_timeouts, "*timeout_interval_for_request: ignoring 0*"},
    {"limits", refuse_limits, "*max_connections_per_host: ignoring 0*ignoring 16383*ignoring -1*"},
    {"enums-and-user-agent", refuse_enums_and_user_agent,
     "*unknown version 14*set_user_agent: ignoring it: header value contains CR or LF*"},
    {"null-configuration", getters_tolerate_null, "*configuration != NULL*"},
};

static void test_refused_values_warn_and_are_ignored(const void *data)
{
    const WarningCase *wc = data;
    LogCapture capture;
    log_capture_begin(&capture);
    wc->body();
    log_capture_end_expect(&capture, wc->log_pattern);
}

static void test_additional_headers(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    UrlError *error = NULL;
    g_assert_true(url_session_configuration_set_additional_header(c, "X-App", "1", &error));
    g_assert_null(error);
    g_assert_true(url_session_configuration_set_additional_header(c, "x-app", "2", NULL));
    g_assert_cmpstr(url_session_configuration_get_additional_header(c, "X-APP"), ==, "2");
    g_assert_cmpuint(url__header_list_count(c->additional_headers), ==, 1);
    g_assert_true(url_session_configuration_set_additional_header(c, "X-Other", "3", NULL));
    g_assert_cmpuint(url_session_configuration_get_additional_header_count(c), ==, 2);
    const char *name = NULL, *value = NULL;
    g_assert_true(url_session_configuration_get_additional_header_at(c, 1, &name, &value));
    g_assert_cmpstr(name, ==, "X-Other");
    g_assert_cmpstr(value, ==, "3");
    g_assert_false(url_session_configuration_get_additional_header_at(c, 2, &name, &value));
    g_assert_true(url_session_configuration_set_additional_header(c, "X-Other", NULL, NULL));

    g_assert_false(url_session_configuration_set_additional_header(c, "Bad Name", "v", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_UNKNOWN);
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "header name is not an HTTP token: \"Bad Name\"");
    g_clear_pointer(&error, url_error_unref);

    g_assert_false(
        url_session_configuration_set_additional_header(c, "X-App", "a\r\nB: c", &error));
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "header value contains CR or LF: \"a\\r\\nB: c\"");
    g_clear_pointer(&error, url_error_unref);
    g_assert_cmpstr(url_session_configuration_get_additional_header(c, "X-App"), ==, "2");

    g_assert_true(url_session_configuration_set_additional_header(c, "X-App", NULL, &error));
    g_assert_null(url_session_configuration_get_additional_header(c, "X-App"));
    g_assert_null(url_session_configuration_get_additional_header(c, NULL));
    url_session_configuration_unref(c);
}

static void test_copy_is_deep(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_ephemeral();
    url_session_configuration_set_user_agent(c, "original");
    url_session_configuration_set_ca_file(c, "/a.pem");
    url_session_configuration_set_additional_header(c, "X-A", "1", NULL);
    url_session_configuration_set_timeout_interval_for_request(c, 5);

    UrlSessionConfiguration *copy = url_session_configuration_copy(c);
    g_assert_true(copy != c);
    g_assert_true(url_session_configuration_is_ephemeral(copy));
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_request(copy), ==, 5);
    g_assert_cmpstr(url_session_configuration_get_user_agent(copy), ==, "original");
    g_assert_true(url_session_configuration_get_user_agent(copy) !=
                  url_session_configuration_get_user_agent(c));
    g_assert_true(url_session_configuration_get_download_directory(copy) !=
                  url_session_configuration_get_download_directory(c));

    url_session_configuration_set_user_agent(copy, "changed");
    url_session_configuration_set_ca_file(copy, "/b.pem");
    url_session_configuration_set_additional_header(copy, "X-A", "2", NULL);
    url_session_configuration_set_additional_header(copy, "X-B", "3", NULL);
    url_session_configuration_set_timeout_interval_for_request(copy, 9);

    g_assert_cmpstr(url_session_configuration_get_user_agent(c), ==, "original");
    g_assert_cmpstr(url_session_configuration_get_ca_file(c), ==, "/a.pem");
    g_assert_cmpstr(url_session_configuration_get_additional_header(c, "X-A"), ==, "1");
    g_assert_null(url_session_configuration_get_additional_header(c, "X-B"));
    g_assert_cmpfloat(url_session_configuration_get_timeout_interval_for_request(c), ==, 5);

    /* The original may go first. */
    url_session_configuration_unref(c);
    g_assert_cmpstr(url_session_configuration_get_additional_header(copy, "X-A"), ==, "2");
    url_session_configuration_unref(copy);
}

static void test_dns_over_https_url(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_ephemeral();
    g_assert_null(url_session_configuration_get_dns_over_https_url(c));
    UrlError *error = NULL;
    g_assert_true(url_session_configuration_set_dns_over_https_url(
        c, "https://[2001:db8::53]/dns-query", &error));
    g_assert_null(error);
    g_assert_cmpstr(url_session_configuration_get_dns_over_https_url(c), ==,
                    "https://[2001:db8::53]/dns-query");

    g_assert_false(
        url_session_configuration_set_dns_over_https_url(c, "http://dns.example/q", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
    g_assert_cmpstr(url_error_get_message(error), ==,
                    "unusable DNS over HTTPS URL \"http://dns.example/q\": DNS over HTTPS needs "
                    "an https:// URL");
    g_clear_pointer(&error, url_error_unref);
    g_assert_false(url_session_configuration_set_dns_over_https_url(c, "not a url", &error));
    g_assert_nonnull(error);
    g_clear_pointer(&error, url_error_unref);
    /* A refused URL changes nothing. */
    g_assert_cmpstr(url_session_configuration_get_dns_over_https_url(c), ==,
                    "https://[2001:db8::53]/dns-query");

    UrlSessionConfiguration *copy = url_session_configuration_copy(c);
    g_assert_true(url_session_configuration_set_dns_over_https_url(c, NULL, NULL));
    g_assert_null(url_session_configuration_get_dns_over_https_url(c));
    g_assert_cmpstr(url_session_configuration_get_dns_over_https_url(copy), ==,
                    "https://[2001:db8::53]/dns-query");
    url_session_configuration_unref(copy);
    url_session_configuration_unref(c);
}

/* The head start is a duration: 0 races at once, nonsense restores the default, and the
 * cellular attempt waits at most a minute. */
static void test_wifi_assist_head_start(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    url_session_configuration_set_wifi_assist(c, true);
    g_assert_true(url_session_configuration_get_wifi_assist(c));
    url_session_configuration_set_wifi_assist_head_start(c, 0.25);
    g_assert_cmpfloat(url_session_configuration_get_wifi_assist_head_start(c), ==, 0.25);
    url_session_configuration_set_wifi_assist_head_start(c, 0);
    g_assert_cmpfloat(url_session_configuration_get_wifi_assist_head_start(c), ==, 0);
    url_session_configuration_set_wifi_assist_head_start(c, 3600);
    g_assert_cmpfloat(url_session_configuration_get_wifi_assist_head_start(c), ==, 60.0);
    url_session_configuration_set_wifi_assist_head_start(c, -1);
    g_assert_cmpfloat(url_session_configuration_get_wifi_assist_head_start(c), ==, 1.0);
    url_session_configuration_set_wifi_assist_head_start(c, NAN);
    g_assert_cmpfloat(url_session_configuration_get_wifi_assist_head_start(c), ==, 1.0);
    url_session_configuration_set_wifi_assist_head_start(c, 2.5);
    UrlSessionConfiguration *copy = url_session_configuration_copy(c);
    g_assert_true(url_session_configuration_get_wifi_assist(copy));
    g_assert_cmpfloat(url_session_configuration_get_wifi_assist_head_start(copy), ==, 2.5);
    url_session_configuration_unref(copy);
    url_session_configuration_unref(c);
}

static void test_ref_counting(void)
{
    UrlSessionConfiguration *c = url_session_configuration_new_default();
    g_assert_true(url_session_configuration_ref(c) == c);
    url_session_configuration_unref(c);
    g_assert_cmpint(url_session_configuration_get_max_connections_per_host(c), ==, 6);
    url_session_configuration_unref(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/configuration/default-values", test_default_values);
    g_test_add_func("/configuration/ephemeral-values", test_ephemeral_values);
    g_test_add_func("/configuration/default-user-agent-names-library-and-curl",
                    test_default_user_agent_names_library_and_curl);
    g_test_add_func("/configuration/setters-store-values", test_setters_store_values);
    for (size_t i = 0; i < G_N_ELEMENTS(warning_cases); i++) {
        char *path = g_strdup_printf("/configuration/refused/%s", warning_cases[i].name);
        g_test_add_data_func(path, &warning_cases[i], test_refused_values_warn_and_are_ignored);
        g_free(path);
    }
    g_test_add_func("/configuration/additional-headers", test_additional_headers);
    g_test_add_func("/configuration/copy-is-deep", test_copy_is_deep);
    g_test_add_func("/configuration/ref-counting", test_ref_counting);
    g_test_add_func("/configuration/dns-over-https-url", test_dns_over_https_url);
    g_test_add_func("/configuration/wifi-assist-head-start", test_wifi_assist_head_start);
    return g_test_run();
}
