/* test_slow_consumer.c — a delegate much slower than the network: the transfer slows down
 * instead of the process buffering the body (RSS stays bounded), and every byte arrives. */
#include "fixture.h"

#define BODY_SIZE     (100 * 1024 * 1024)
#define RSS_LIMIT_KIB (32 * 1024)
#define SAMPLE_EVERY  (2 * 1024 * 1024)
/* The consumer takes 1 µs per 16 bytes: about 16 MB/s, 6.5 s for the body, far slower than
 * loopback. */
#define BYTES_PER_USEC 16

#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer keeps freed memory in a quarantine (256 MiB by default), which would
 * count in the RSS measured here; the buffers this test is about are freed promptly. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=0";
}
#endif

typedef struct {
    GChecksum *sha;
    guint64 received;
    guint64 next_sample;
    gint64 baseline_kib;
    gint64 peak_kib;
    guint calls;
    size_t largest_chunk;
    UrlError *error;
    guint completions;
} Consumer;

static void on_data(UrlSession *session, UrlSessionTask *task, const void *data, size_t length,
                    void *user)
{
    Consumer *c = user;
    g_checksum_update(c->sha, data, (gssize)length);
    c->received += length;
    c->calls++;
    c->largest_chunk = MAX(c->largest_chunk, length);
    if (c->received >= c->next_sample) {
        c->peak_kib = MAX(c->peak_kib, it_rss_kib());
        c->next_sample += SAMPLE_EVERY;
    }
    g_usleep(MAX(length / BYTES_PER_USEC, 1));
}

static void on_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                        void *user)
{
    Consumer *c = user;
    c->completions++;
    if (error) {
        c->error = url_error_ref(error);
    }
}

static void test_bounded_memory(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    g_autofree char *want = it_sha256_www("100m.bin");
    Consumer c = {.sha = g_checksum_new(G_CHECKSUM_SHA256), .next_sample = SAMPLE_EVERY};
    UrlSessionDelegate delegate = {.data_did_receive_data = on_data, .did_complete = on_complete};
    UrlSessionConfiguration *config = it_configuration_new(proto);
    UrlSession *session = url_session_new(config, &delegate, &c, NULL);
    url_session_configuration_unref(config);
    g_autofree char *url = it_url(proto, "/files/100m.bin");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    c.baseline_kib = it_rss_kib();
    c.peak_kib = c.baseline_kib;
    it_run_task(task, 200);

    g_test_message("%s: baseline %" G_GINT64_FORMAT " KiB, peak %" G_GINT64_FORMAT
                   " KiB, %u callbacks, largest %zu bytes",
                   it_proto_name(proto), c.baseline_kib, c.peak_kib, c.calls, c.largest_chunk);
    g_assert_cmpuint(c.completions, ==, 1);
    it_assert_no_error(c.error);
    g_assert_cmpuint(c.received, ==, BODY_SIZE);
    g_assert_cmpstr(g_checksum_get_string(c.sha), ==, want);
    g_assert_cmpint(c.peak_kib - c.baseline_kib, <, RSS_LIMIT_KIB);

    g_checksum_free(c.sha);
    url_error_unref(c.error);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_invalidate_and_cancel(session);
    url_session_unref(session);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *path =
            g_strdup_printf("/slow_consumer/bounded-memory/%s", it_proto_name(p));
        it_add_data(path, GINT_TO_POINTER(p), test_bounded_memory);
    }
    return it_run();
}
