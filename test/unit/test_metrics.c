/* test_metrics.c — metrics storage, getters and the exact JSON they serialise to. */
#include "session/metrics.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "log_capture.h"

static void test_empty_metrics_json(void)
{
    UrlTaskMetrics *metrics = url__task_metrics_new();
    char *json = url_task_metrics_to_json(metrics);
    g_assert_cmpstr(json, ==,
                    "{\"task_start\":0.000000,\"task_duration\":0.000000,\"redirect_count\":0,"
                    "\"transactions\":[]}");
    free(json);
    g_assert_cmpuint(url_task_metrics_get_transaction_count(metrics), ==, 0);
    g_assert_null(url_task_metrics_get_transaction(metrics, 0));
    url_task_metrics_unref(metrics);
}

/* A redirect (reused nothing, TLS) followed by a transaction on a reused connection. */
static UrlTaskMetrics *make_metrics(void)
{
    UrlTaskMetrics *metrics = url__task_metrics_new();
    url__task_metrics_set_task_interval(metrics, 1700000000.25, 1.5);
    url__task_metrics_set_redirect_count(metrics, 1);

    UrlTransactionMetrics *t = url__task_metrics_add_transaction(metrics);
    url__transaction_metrics_set_url(t, "https://example.com/old");
    url__transaction_metrics_set_status_code(t, 301);
    url__transaction_metrics_set_network_protocol_name(t, "h2");
    url__transaction_metrics_set_reused_connection(t, false);
    url__transaction_metrics_set_remote_address(t, "2001:db8::1", 443);
    url__transaction_metrics_set_local_address(t, "2001:db8::2", 50000);
    url__transaction_metrics_add_connect_attempt(t, "2001:db8::1", 1700000000.28);
    url__transaction_metrics_add_connect_attempt(t, "64:ff9b::c000:201", 1700000000.53);
    url__transaction_metrics_set_nat64(t, true, "64:ff9b::/96");
    url__transaction_metrics_set_tcp_fast_open(t, true);
    for (int i = URL_TIMING_FETCH_START; i <= URL_TIMING_RESPONSE_END; i++)
        url__transaction_metrics_set_timing(t, (UrlTransactionTiming)i, 1700000000.25 + i * 0.01);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_REQUEST_HEADER, 120);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_REQUEST_BODY, 0);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_RESPONSE_HEADER, 230);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_RESPONSE_BODY, 5000000000);
    url__transaction_metrics_set_byte_count(t, URL_BYTES_RESPONSE_BODY_AFTER_DECODING, 9000000000);
    url__transaction_metrics_set_fetch_type(t, URL_FETCH_TYPE_NETWORK_LOAD);
    url__transaction_metrics_set_proxy_connection(t, true);
    url__transaction_metrics_set_tls(t, "TLSv1.3", "TLS_AES_128_GCM_SHA256");
    url__transaction_metrics_set_interface(t, "wifi0", URL_INTERFACE_TYPE_WIFI, false, true);
    url__transaction_metrics_set_multipath(t, true);
    url__transaction_metrics_set_path_manager(t, "userspace");
    url__transaction_metrics_add_subflow(t, "wifi0", "2001:db8::2", "2001:db8::1", 300, 4000000,
                                         0.0125);
    url__transaction_metrics_add_subflow(t, NULL, "198.51.100.2", "2001:db8::1", 1, 0, 0);

    t = url__task_metrics_add_transaction(metrics);
    url__transaction_metrics_set_url(t, "https://example.com/new\"q\"\\b\x01\n\t\xc3\xa9\xff");
    url__transaction_metrics_set_status_code(t, 200);
    url__transaction_metrics_set_reused_connection(t, true);
    url__transaction_metrics_set_timing(t, URL_TIMING_FETCH_START, 1700000001);
    url__transaction_metrics_set_timing(t, URL_TIMING_RESPONSE_END, 1700000001.75);
    return metrics;
}

static const char expected_json[] =
    "{\"task_start\":1700000000.250000,\"task_duration\":1.500000,\"redirect_count\":1,"
    "\"transactions\":["
    "{\"url\":\"https://example.com/old\",\"status\":301,\"protocol\":\"h2\","
    "\"reused_connection\":false,\"remote_address\":\"2001:db8::1\",\"remote_port\":443,"
    "\"connect_attempts\":[{\"address\":\"2001:db8::1\",\"start\":1700000000.280000},"
    "{\"address\":\"64:ff9b::c000:201\",\"start\":1700000000.530000}],"
    "\"synthesized\":true,\"nat64_prefix\":\"64:ff9b::/96\",\"tcp_fast_open\":true,"
    "\"local_address\":\"2001:db8::2\",\"local_port\":50000,"
    "\"fetch_type\":\"network-load\",\"proxy_connection\":true,"
    "\"tls_protocol_version\":\"TLSv1.3\",\"tls_cipher_suite\":\"TLS_AES_128_GCM_SHA256\","
    "\"interface\":\"wifi0\",\"interface_type\":\"wifi\",\"cellular\":false,"
    "\"expensive\":false,\"constrained\":true,\"multipath\":true,"
    "\"path_manager\":\"userspace\",\"subflows\":["
    "{\"interface\":\"wifi0\",\"local_address\":\"2001:db8::2\","
    "\"remote_address\":\"2001:db8::1\",\"bytes_sent\":300,\"bytes_received\":4000000,"
    "\"rtt\":0.012500},"
    "{\"interface\":null,\"local_address\":\"198.51.100.2\",\"remote_address\":\"2001:db8::1\","
    "\"bytes_sent\":1,\"bytes_received\":0,\"rtt\":0.000000}],"
    "\"fetch_start\":1700000000.250000,\"domain_lookup_start\":1700000000.260000,"
    "\"domain_lookup_end\":1700000000.270000,\"connect_start\":1700000000.280000,"
    "\"secure_connection_start\":1700000000.290000,\"secure_connection_end\":1700000000.300000,"
    "\"connect_end\":1700000000.310000,\"request_start\":1700000000.320000,"
    "\"request_end\":1700000000.330000,\"response_start\":1700000000.340000,"
    "\"response_end\":1700000000.350000,"
    "\"request_header_bytes\":120,\"request_body_bytes\":0,\"response_header_bytes\":230,"
    "\"response_body_bytes\":5000000000,\"request_body_bytes_before_encoding\":0,"
    "\"response_body_bytes_after_decoding\":9000000000},"
    "{\"url\":\"https://example.com/new\\\"q\\\"\\\\b\\u0001\\n\\t\xc3\xa9\\ufffd\","
    "\"status\":200,\"protocol\":null,\"reused_connection\":true,\"remote_address\":null,"
    "\"remote_port\":0,\"connect_attempts\":[],\"synthesized\":false,\"nat64_prefix\":null,"
    "\"tcp_fast_open\":false,\"local_address\":null,\"local_port\":0,"
    "\"fetch_type\":\"unknown\",\"proxy_connection\":false,"
    "\"tls_protocol_version\":null,\"tls_cipher_suite\":null,"
    "\"interface\":null,\"interface_type\":null,\"cellular\":false,\"expensive\":false,"
    "\"constrained\":false,\"multipath\":false,\"path_manager\":null,\"subflows\":[],"
    "\"fetch_start\":1700000001.000000,\"domain_lookup_start\":null,\"domain_lookup_end\":null,"
    "\"connect_start\":null,\"secure_connection_start\":null,\"secure_connection_end\":null,"
    "\"connect_end\":null,\"request_start\":null,\"request_end\":null,\"response_start\":null,"
    "\"response_end\":1700000001.750000,"
    "\"request_header_bytes\":0,\"request_body_bytes\":0,\"response_header_bytes\":0,"
    "\"response_body_bytes\":0,\"request_body_bytes_before_encoding\":0,"
    "\"response_body_bytes_after_decoding\":0}"
    "]}";

static void test_json_is_exact(void)
{
    UrlTaskMetrics *metrics = make_metrics();
    char *json = url_task_metrics_to_json(metrics);
    g_assert_cmpstr(json, ==, expected_json);
    g_assert_null(strchr(json, '\n'));
    free(json);
    url_task_metrics_unref(metrics);
}

static void test_json_ignores_locale(void)
{
    /* A locale with a decimal comma must not leak into JSON numbers. */
    const char *locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "C.UTF-8"};
    const char *chosen = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(locales) && chosen == NULL; i++)
        chosen = setlocale(LC_NUMERIC, locales[i]);
    UrlTaskMetrics *metrics = make_metrics();
    char *json = url_task_metrics_to_json(metrics);
    g_assert_cmpstr(json, ==, expected_json);
    free(json);
    url_task_metrics_unref(metrics);
    setlocale(LC_NUMERIC, "C");
    if (chosen == NULL)
        g_test_message("no decimal-comma locale installed; checked in the C locale only");
}

static void test_json_parses_as_json(void)
{
    char *python = g_find_program_in_path("python3");
    if (python == NULL) {
        g_test_skip("python3 is not installed: the exact-string test covers the output");
        return;
    }
    UrlTaskMetrics *metrics = make_metrics();
    char *json = url_task_metrics_to_json(metrics);
    /* json.loads is strict about escapes and control characters. */
    const char *script = "import json,sys\n"
                         "d = json.loads(sys.argv[1])\n"
                         "t = d['transactions']\n"
                         "assert len(t) == 2 and t[1]['protocol'] is None\n"
                         "assert t[1]['url'].endswith('\"q\"\\\\b\\x01\\n\\t\\u00e9\\ufffd')\n"
                         "assert t[0]['response_body_bytes'] == 5000000000\n";
    const char *argv[] = {python, "-c", script, json, NULL};
    int status = -1;
    GError *error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    free(json);
    url_task_metrics_unref(metrics);
    g_free(python);
}

static void test_getters(void)
{
    UrlTaskMetrics *metrics = make_metrics();
    double start = 0, duration = 0;
    url_task_metrics_get_task_interval(metrics, &start, &duration);
    g_assert_cmpfloat(start, ==, 1700000000.25);
    g_assert_cmpfloat(duration, ==, 1.5);
    url_task_metrics_get_task_interval(metrics, NULL, NULL);
    g_assert_cmpint(url_task_metrics_get_redirect_count(metrics), ==, 1);
    g_assert_cmpuint(url_task_metrics_get_transaction_count(metrics), ==, 2);
    g_assert_null(url_task_metrics_get_transaction(metrics, 2));

    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    g_assert_cmpstr(url_transaction_metrics_get_url(t), ==, "https://example.com/old");
    g_assert_cmpint(url_transaction_metrics_get_status_code(t), ==, 301);
    g_assert_cmpstr(url_transaction_metrics_get_network_protocol_name(t), ==, "h2");
    g_assert_false(url_transaction_metrics_is_reused_connection(t));
    int port = 0;
    g_assert_cmpstr(url_transaction_metrics_get_remote_address(t, &port), ==, "2001:db8::1");
    g_assert_cmpint(port, ==, 443);
    g_assert_cmpstr(url_transaction_metrics_get_local_address(t, &port), ==, "2001:db8::2");
    g_assert_cmpint(port, ==, 50000);
    g_assert_cmpuint(url_transaction_metrics_get_connect_attempt_count(t), ==, 2);
    double attempt_start = 0;
    g_assert_cmpstr(url_transaction_metrics_get_connect_attempt(t, 1, &attempt_start), ==,
                    "64:ff9b::c000:201");
    g_assert_cmpfloat(attempt_start, ==, 1700000000.53);
    g_assert_null(url_transaction_metrics_get_connect_attempt(t, 2, &attempt_start));
    g_assert_cmpfloat(attempt_start, ==, 0);
    g_assert_true(url_transaction_metrics_is_address_synthesized(t));
    g_assert_cmpstr(url_transaction_metrics_get_nat64_prefix(t), ==, "64:ff9b::/96");
    g_assert_true(url_transaction_metrics_is_tcp_fast_open(t));
    g_assert_cmpfloat(url_transaction_metrics_get_timing(t, URL_TIMING_FETCH_START), ==,
                      1700000000.25);
    g_assert_cmpint(url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY), ==,
                    5000000000);
    g_assert_cmpint(
        url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY_AFTER_DECODING), ==,
        9000000000);
    g_assert_cmpint(url_transaction_metrics_get_fetch_type(t), ==, URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_true(url_transaction_metrics_is_proxy_connection(t));
    g_assert_cmpstr(url_transaction_metrics_get_tls_protocol_version(t), ==, "TLSv1.3");
    g_assert_cmpstr(url_transaction_metrics_get_tls_cipher_suite(t), ==, "TLS_AES_128_GCM_SHA256");

    t = url_task_metrics_get_transaction(metrics, 1);
    g_assert_true(url_transaction_metrics_is_reused_connection(t));
    g_assert_null(url_transaction_metrics_get_network_protocol_name(t));
    g_assert_null(url_transaction_metrics_get_remote_address(t, NULL));
    g_assert_cmpint(url_transaction_metrics_get_fetch_type(t), ==, URL_FETCH_TYPE_UNKNOWN);
    g_assert_false(url_transaction_metrics_is_proxy_connection(t));
    g_assert_null(url_transaction_metrics_get_tls_protocol_version(t));
    g_assert_null(url_transaction_metrics_get_tls_cipher_suite(t));
    g_assert_cmpfloat(url_transaction_metrics_get_timing(t, URL_TIMING_CONNECT_START), ==, 0);

    const UrlTaskMetrics *borrowed = metrics;
    g_assert_true(url_task_metrics_ref(borrowed) == metrics);
    url_task_metrics_unref(metrics);
    url_task_metrics_unref(metrics);
    url_task_metrics_unref(NULL);
}

static void test_setters_replace_strings(void)
{
    UrlTaskMetrics *metrics = url__task_metrics_new();
    UrlTransactionMetrics *t = url__task_metrics_add_transaction(metrics);
    url__transaction_metrics_set_url(t, "http://a/");
    url__transaction_metrics_set_url(t, "http://b/");
    url__transaction_metrics_set_remote_address(t, "192.0.2.1", 80);
    url__transaction_metrics_set_remote_address(t, NULL, 0);
    g_assert_cmpstr(url_transaction_metrics_get_url(t), ==, "http://b/");
    g_assert_null(url_transaction_metrics_get_remote_address(t, NULL));
    url_task_metrics_unref(metrics);
}

/* Short strings live in the transaction, long ones on the heap; either may replace the
 * other, and a transaction keeps its address when more are added. */
static void test_strings_short_and_long(void)
{
    UrlTaskMetrics *metrics = url__task_metrics_new();
    UrlTransactionMetrics *first = url__task_metrics_add_transaction(metrics);
    const char *cipher = "ECDHE-RSA-AES256-GCM-SHA384-WITH-A-NAME-LONGER-THAN-ITS-BUFFER";
    url__transaction_metrics_set_tls(first, "TLSv1.3", cipher);
    g_assert_cmpstr(url_transaction_metrics_get_tls_cipher_suite(first), ==, cipher);
    url__transaction_metrics_set_tls(first, "TLSv1.2", "AES128-SHA");
    g_assert_cmpstr(url_transaction_metrics_get_tls_protocol_version(first), ==, "TLSv1.2");
    g_assert_cmpstr(url_transaction_metrics_get_tls_cipher_suite(first), ==, "AES128-SHA");
    url__transaction_metrics_set_tls(first, "TLSv1.2", cipher);
    g_assert_cmpstr(url_transaction_metrics_get_tls_cipher_suite(first), ==, cipher);
    url__transaction_metrics_set_remote_address(first, "2001:db8::1", 443);
    /* The string it already holds. */
    url__transaction_metrics_set_remote_address(
        first, url_transaction_metrics_get_remote_address(first, NULL), 443);
    int port = 0;
    g_assert_cmpstr(url_transaction_metrics_get_remote_address(first, &port), ==, "2001:db8::1");
    g_assert_cmpint(port, ==, 443);
    url__transaction_metrics_set_interface(first, "wlan0", URL_INTERFACE_TYPE_WIFI, false, false);
    for (int i = 0; i < 5; i++) {
        UrlTransactionMetrics *t = url__task_metrics_add_transaction(metrics);
        url__transaction_metrics_set_status_code(t, 300 + i);
        url__transaction_metrics_set_network_protocol_name(t, "h2");
    }
    g_assert_cmpuint(url_task_metrics_get_transaction_count(metrics), ==, 6);
    g_assert_true(url_task_metrics_get_transaction(metrics, 0) == first);
    g_assert_cmpint(
        url_transaction_metrics_get_status_code(url_task_metrics_get_transaction(metrics, 5)), ==,
        304);
    g_assert_null(url_task_metrics_get_transaction(metrics, 6));
    g_assert_cmpstr(url_transaction_metrics_get_interface_name(first), ==, "wlan0");
    char *json = url_task_metrics_to_json(metrics);
    g_assert_nonnull(strstr(json, cipher));
    g_assert_nonnull(strstr(json, "\"status\":304"));
    free(json);
    url_task_metrics_unref(metrics);
}

static void test_non_finite_times_are_null(void)
{
    UrlTaskMetrics *metrics = url__task_metrics_new();
    url__task_metrics_set_task_interval(metrics, 1.0, INFINITY);
    UrlTransactionMetrics *t = url__task_metrics_add_transaction(metrics);
    url__transaction_metrics_set_timing(t, URL_TIMING_FETCH_START, NAN);
    char *json = url_task_metrics_to_json(metrics);
    g_assert_true(g_str_has_prefix(json, "{\"task_start\":1.000000,\"task_duration\":null,"));
    g_assert_nonnull(strstr(json, "\"fetch_start\":null,"));
    free(json);
    url_task_metrics_unref(metrics);
}

static void test_getters_tolerate_null(void)
{
    LogCapture capture;
    log_capture_begin(&capture);
    double start = 5;
    url_task_metrics_get_task_interval(NULL, &start, NULL);
    g_assert_cmpfloat(start, ==, 0);
    g_assert_cmpuint(url_task_metrics_get_transaction_count(NULL), ==, 0);
    g_assert_null(url_task_metrics_to_json(NULL));
    g_assert_null(url_transaction_metrics_get_url(NULL));
    int port = 7;
    g_assert_null(url_transaction_metrics_get_local_address(NULL, &port));
    g_assert_cmpint(port, ==, 0);
    log_capture_end_expect(&capture, "*metrics != NULL*transaction != NULL*");
}

/* The path facts (lib/path, lib/mptcp) through the public getters. */
static void test_path_getters(void)
{
    UrlTaskMetrics *metrics = make_metrics();
    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    g_assert_cmpstr(url_transaction_metrics_get_interface_name(t), ==, "wifi0");
    g_assert_cmpint(url_transaction_metrics_get_interface_type(t), ==, URL_INTERFACE_TYPE_WIFI);
    g_assert_false(url_transaction_metrics_is_cellular(t));
    g_assert_false(url_transaction_metrics_is_expensive(t));
    g_assert_true(url_transaction_metrics_is_constrained(t));
    g_assert_true(url_transaction_metrics_is_multipath(t));
    g_assert_cmpstr(url_transaction_metrics_get_path_manager(t), ==, "userspace");
    g_assert_cmpuint(url_transaction_metrics_get_subflow_count(t), ==, 2);
    int64_t sent = -1, received = -1;
    double rtt = -1;
    g_assert_cmpstr(url_transaction_metrics_get_subflow(t, 0, &sent, &received, &rtt), ==, "wifi0");
    g_assert_cmpint(sent, ==, 300);
    g_assert_cmpint(received, ==, 4000000);
    g_assert_cmpfloat(rtt, ==, 0.0125);
    g_assert_cmpstr(url_transaction_metrics_get_subflow(t, 1, NULL, NULL, NULL), ==, "");
    g_assert_null(url_transaction_metrics_get_subflow(t, 2, &sent, NULL, NULL));
    g_assert_cmpint(sent, ==, 0);
    const UrlTransactionMetrics *other = url_task_metrics_get_transaction(metrics, 1);
    g_assert_null(url_transaction_metrics_get_interface_name(other));
    g_assert_false(url_transaction_metrics_is_multipath(other));
    g_assert_null(url_transaction_metrics_get_path_manager(other));
    g_assert_cmpuint(url_transaction_metrics_get_subflow_count(other), ==, 0);
    url_task_metrics_unref(metrics);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/metrics/empty-metrics-json", test_empty_metrics_json);
    g_test_add_func("/metrics/json-is-exact", test_json_is_exact);
    g_test_add_func("/metrics/json-ignores-locale", test_json_ignores_locale);
    g_test_add_func("/metrics/json-parses-as-json", test_json_parses_as_json);
    g_test_add_func("/metrics/getters", test_getters);
    g_test_add_func("/metrics/setters-replace-strings", test_setters_replace_strings);
    g_test_add_func("/metrics/strings-short-and-long", test_strings_short_and_long);
    g_test_add_func("/metrics/non-finite-times-are-null", test_non_finite_times_are_null);
    g_test_add_func("/metrics/getters-tolerate-null", test_getters_tolerate_null);
    g_test_add_func("/metrics/path-getters", test_path_getters);
    return g_test_run();
}
