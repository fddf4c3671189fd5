/* test_transaction_metrics.c — transaction metrics against nginx: a fresh HTTP/1.1 connection over
 * TLS, a reused HTTP/2 connection, cleartext, and a redirect's two transactions. */
#include "fixture.h"

#include <string.h>

/* Runs a GET of @path on @session and returns the task's metrics (transfer full). */
static UrlTaskMetrics *fetch_metrics(UrlSession *session, ItProto proto, const char *path)
{
    g_autofree char *url = it_url(proto, path);
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, NULL, &c);
    it_assert_no_error(c.error);
    UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
    g_assert_nonnull(metrics);
    url_session_task_unref(task);
    it_completion_clear(&c);
    return metrics;
}

static double timing(const UrlTransactionMetrics *t, UrlTransactionTiming which)
{
    return url_transaction_metrics_get_timing(t, which);
}

/* The moments that happened are in order. */
static void assert_timings_ordered(const UrlTransactionMetrics *t)
{
    double last = 0;
    for (int i = URL_TIMING_FETCH_START; i <= URL_TIMING_RESPONSE_END; i++) {
        double at = timing(t, (UrlTransactionTiming)i);
        if (at == 0)
            continue;
        g_assert_cmpfloat(at, >=, last);
        last = at;
    }
}

static void assert_common(const UrlTransactionMetrics *t, ItProto proto)
{
    g_assert_cmpint(url_transaction_metrics_get_status_code(t), ==, 200);
    g_assert_cmpint(url_transaction_metrics_get_fetch_type(t), ==, URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_false(url_transaction_metrics_is_proxy_connection(t));
    int port = 0;
    g_assert_cmpstr(url_transaction_metrics_get_remote_address(t, &port), ==, "127.0.0.1");
    g_assert_cmpint(port, ==, it_port(proto));
    g_assert_cmpstr(url_transaction_metrics_get_local_address(t, &port), ==, "127.0.0.1");
    g_assert_cmpint(port, >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_FETCH_START), >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_REQUEST_START), >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_RESPONSE_START), >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_RESPONSE_END), >, 0);
    assert_timings_ordered(t);
    g_assert_cmpint(url_transaction_metrics_get_byte_count(t, URL_BYTES_REQUEST_HEADER), >, 0);
    g_assert_cmpint(url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_HEADER), >, 0);
    g_assert_cmpint(url_transaction_metrics_get_byte_count(t, URL_BYTES_REQUEST_BODY), ==, 0);
    g_assert_cmpint(url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY), ==, 1024);
    g_assert_cmpint(
        url_transaction_metrics_get_byte_count(t, URL_BYTES_RESPONSE_BODY_AFTER_DECODING), ==,
        1024);
}

static void assert_tls(const UrlTransactionMetrics *t)
{
    const char *version = url_transaction_metrics_get_tls_protocol_version(t);
    g_assert_nonnull(version);
    /* nginx allows TLSv1.2 and TLSv1.3; OpenSSL 3 on both ends agrees on 1.3. */
    g_assert_cmpstr(version, ==, "TLSv1.3");
    const char *cipher = url_transaction_metrics_get_tls_cipher_suite(t);
    g_assert_nonnull(cipher);
    g_assert_true(g_str_has_prefix(cipher, "TLS_AES_") ||
                  g_str_has_prefix(cipher, "TLS_CHACHA20_"));
}

static void test_fresh_http1_over_tls(void)
{
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTPS);
    url_session_configuration_set_http_version(config, URL_HTTP_VERSION_1_1);
    UrlSession *session = url_session_new(config, NULL, NULL, NULL);
    url_session_configuration_unref(config);
    UrlTaskMetrics *metrics = fetch_metrics(session, IT_HTTPS, "/files/1k.bin");
    g_assert_cmpuint(url_task_metrics_get_transaction_count(metrics), ==, 1);
    g_assert_cmpint(url_task_metrics_get_redirect_count(metrics), ==, 0);
    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    assert_common(t, IT_HTTPS);
    g_assert_cmpstr(url_transaction_metrics_get_network_protocol_name(t), ==, "http/1.1");
    g_assert_false(url_transaction_metrics_is_reused_connection(t));
    g_assert_cmpfloat(timing(t, URL_TIMING_DOMAIN_LOOKUP_START), >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_DOMAIN_LOOKUP_END), >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_CONNECT_START), >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_SECURE_CONNECTION_START), >, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_SECURE_CONNECTION_END), >,
                      timing(t, URL_TIMING_SECURE_CONNECTION_START));
    g_assert_cmpfloat(timing(t, URL_TIMING_CONNECT_END), >=,
                      timing(t, URL_TIMING_SECURE_CONNECTION_END));
    assert_tls(t);

    char *json = url_task_metrics_to_json(metrics);
    g_assert_nonnull(strstr(json, "\"fetch_type\":\"network-load\""));
    g_assert_nonnull(strstr(json, "\"tls_protocol_version\":\"TLSv1.3\""));
    g_assert_nonnull(strstr(json, "\"response_body_bytes_after_decoding\":1024"));
    free(json);
    url_task_metrics_unref(metrics);
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
}

static void test_reused_http2(void)
{
    UrlSession *session = it_session_new(IT_HTTPS, NULL);
    UrlTaskMetrics *first = fetch_metrics(session, IT_HTTPS, "/files/1k.bin");
    /* Another URL: the same one would be revalidated from the session's cache (a 304). */
    UrlTaskMetrics *second = fetch_metrics(session, IT_HTTPS, "/files/1k.bin?again");
    const UrlTransactionMetrics *a = url_task_metrics_get_transaction(first, 0);
    const UrlTransactionMetrics *b = url_task_metrics_get_transaction(second, 0);
    assert_common(a, IT_HTTPS);
    assert_common(b, IT_HTTPS);
    g_assert_cmpstr(url_transaction_metrics_get_network_protocol_name(a), ==, "h2");
    g_assert_cmpstr(url_transaction_metrics_get_network_protocol_name(b), ==, "h2");
    g_assert_false(url_transaction_metrics_is_reused_connection(a));
    g_assert_true(url_transaction_metrics_is_reused_connection(b));
    /* A reused connection had no lookup, connect or handshake of its own. */
    g_assert_cmpfloat(timing(b, URL_TIMING_DOMAIN_LOOKUP_START), ==, 0);
    g_assert_cmpfloat(timing(b, URL_TIMING_CONNECT_START), ==, 0);
    g_assert_cmpfloat(timing(b, URL_TIMING_SECURE_CONNECTION_START), ==, 0);
    g_assert_cmpfloat(timing(b, URL_TIMING_CONNECT_END), ==, 0);
    g_assert_cmpfloat(timing(a, URL_TIMING_SECURE_CONNECTION_START), >, 0);
    /* Same connection: same local port; its TLS session is still reported. */
    int port_a = 0, port_b = 0;
    url_transaction_metrics_get_local_address(a, &port_a);
    url_transaction_metrics_get_local_address(b, &port_b);
    g_assert_cmpint(port_a, ==, port_b);
    assert_tls(a);
    assert_tls(b);
    g_assert_cmpstr(url_transaction_metrics_get_tls_cipher_suite(a), ==,
                    url_transaction_metrics_get_tls_cipher_suite(b));
    url_task_metrics_unref(first);
    url_task_metrics_unref(second);
    it_session_finish(session, NULL);
}

static void test_cleartext_has_no_tls(void)
{
    UrlSession *session = it_session_new(IT_HTTP, NULL);
    UrlTaskMetrics *metrics = fetch_metrics(session, IT_HTTP, "/files/1k.bin");
    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    assert_common(t, IT_HTTP);
    g_assert_cmpstr(url_transaction_metrics_get_network_protocol_name(t), ==, "http/1.1");
    g_assert_null(url_transaction_metrics_get_tls_protocol_version(t));
    g_assert_null(url_transaction_metrics_get_tls_cipher_suite(t));
    g_assert_cmpfloat(timing(t, URL_TIMING_SECURE_CONNECTION_START), ==, 0);
    g_assert_cmpfloat(timing(t, URL_TIMING_CONNECT_START), >, 0);
    url_task_metrics_unref(metrics);
    it_session_finish(session, NULL);
}

static void test_redirect_transactions(void)
{
    UrlSession *session = it_session_new(IT_HTTP, NULL);
    UrlTaskMetrics *metrics = fetch_metrics(session, IT_HTTP, "/redirect/302?to=/files/1k.bin");
    g_assert_cmpint(url_task_metrics_get_redirect_count(metrics), ==, 1);
    g_assert_cmpuint(url_task_metrics_get_transaction_count(metrics), ==, 2);
    const UrlTransactionMetrics *hop = url_task_metrics_get_transaction(metrics, 0);
    const UrlTransactionMetrics *last = url_task_metrics_get_transaction(metrics, 1);
    g_assert_cmpint(url_transaction_metrics_get_status_code(hop), ==, 302);
    g_assert_cmpint(url_transaction_metrics_get_fetch_type(hop), ==, URL_FETCH_TYPE_NETWORK_LOAD);
    assert_common(last, IT_HTTP);
    /* HTTP/1.1 keep-alive: the second hop reuses the first one's connection. */
    g_assert_true(url_transaction_metrics_is_reused_connection(last));
    double start = 0, duration = 0;
    url_task_metrics_get_task_interval(metrics, &start, &duration);
    g_assert_cmpfloat(start, <=, timing(hop, URL_TIMING_FETCH_START));
    g_assert_cmpfloat(start + duration, >=, timing(last, URL_TIMING_RESPONSE_END));
    url_task_metrics_unref(metrics);
    it_session_finish(session, NULL);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/metrics/fresh-http1-over-tls", test_fresh_http1_over_tls);
    it_add("/metrics/reused-http2", test_reused_http2);
    it_add("/metrics/cleartext-no-tls", test_cleartext_has_no_tls);
    it_add("/metrics/redirect-transactions", test_redirect_transactions);
    return it_run();
}
