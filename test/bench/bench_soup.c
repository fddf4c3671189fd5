/* bench_soup.c — the libsoup 3 contender of test/bench: the same work as
 * bench_urlsession with libsoup's usual calls: soup_session_send() and a read loop for
 * bodies, soup_session_send_and_read_async() on a GMainLoop for many small requests.
 * libsoup 3.2 negotiates HTTP/2 by ALPN on https and has no public switch to refuse it;
 * the harness asks it for HTTP/1.1 only over cleartext http. */
#include <libsoup/soup.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench_measure.h"

#define TTFB_MAX   1000
#define READ_BYTES (64 * 1024)

static BenchArgs args;
static char protocol[16];

typedef struct {
    SoupSession *session;
    GMainLoop *loop;
    long started;
    long finished;
    long ok;
    long failed;
    int64_t bytes;
    bool restart;
} Many;

static SoupSession *session_new(void)
{
    SoupSession *session = soup_session_new_with_options("max-conns-per-host", (int)args.conns,
                                                         "max-conns", 20000, "timeout", 120, NULL);
    if (args.ca) {
        GError *error = NULL;
        GTlsDatabase *database = g_tls_file_database_new(args.ca, &error);
        if (!database) {
            fprintf(stderr, "bench_soup: %s\n", error->message);
            exit(1);
        }
        soup_session_set_tls_database(session, database);
        g_object_unref(database);
    }
    return session;
}

static SoupMessage *message_new(void)
{
    return soup_message_new("GET", args.url);
}

static void note_protocol(SoupMessage *message)
{
    if (protocol[0] == '\0')
        snprintf(protocol, sizeof protocol, "%s",
                 soup_message_get_http_version(message) == SOUP_HTTP_2_0 ? "h2" : "http/1.1");
}

/* Sends one request and reads its body: discarded, written to @fd, or paced. */
static bool fetch(SoupSession *session, int fd, int64_t *bytes, double *ttfb_ms)
{
    SoupMessage *message = message_new();
    GError *error = NULL;
    double start = bench_now();
    GInputStream *in = soup_session_send(session, message, NULL, &error);
    if (ttfb_ms)
        *ttfb_ms = (bench_now() - start) * 1e3;
    bool ok = in && soup_message_get_status(message) == SOUP_STATUS_OK;
    static char buffer[READ_BYTES];
    while (ok) {
        gssize n = g_input_stream_read(in, buffer, sizeof buffer, NULL, &error);
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        *bytes += n;
        if (fd >= 0 && write(fd, buffer, (size_t)n) != n)
            ok = false;
        if (args.mode == BENCH_STREAM)
            bench_pace(start, *bytes, args.rate);
    }
    if (error) {
        fprintf(stderr, "bench_soup: %s\n", error->message);
        g_error_free(error);
    }
    note_protocol(message);
    if (in) {
        g_input_stream_close(in, NULL, NULL);
        g_object_unref(in);
    }
    g_object_unref(message);
    return ok;
}

static void send_one(Many *many);

static void on_read(GObject *source, GAsyncResult *result, gpointer data)
{
    Many *many = data;
    SoupMessage *message = soup_session_get_async_result_message(many->session, result);
    GError *error = NULL;
    GBytes *body = soup_session_send_and_read_finish(many->session, result, &error);
    bool ok = body && soup_message_get_status(message) == SOUP_STATUS_OK;
    if (body) {
        many->bytes += (int64_t)g_bytes_get_size(body);
        g_bytes_unref(body);
    }
    if (error)
        g_error_free(error);
    note_protocol(message);
    many->finished++;
    *(ok ? &many->ok : &many->failed) += 1;
    if (many->restart && many->started < args.count)
        send_one(many);
    if (many->finished >= args.count)
        g_main_loop_quit(many->loop);
}

static void send_one(Many *many)
{
    SoupMessage *message = message_new();
    many->started++;
    soup_session_send_and_read_async(many->session, message, G_PRIORITY_DEFAULT, NULL, on_read,
                                     many);
    g_object_unref(message);
}

static gboolean on_timeout(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_CONTINUE; /* removed by run_many() */
}

static void run_many(Many *many, long first)
{
    for (long i = 0; i < first; i++)
        send_one(many);
    guint timer = g_timeout_add_seconds((guint)args.timeout, on_timeout, many->loop);
    g_main_loop_run(many->loop);
    g_source_remove(timer);
}

int main(int argc, char **argv)
{
    bench_parse_args(&args, argc, argv);
    BenchResult result = {0};
    bool done = false;
    SoupSession *session = session_new();

    switch (args.mode) {
    case BENCH_DOWNLOAD:
    case BENCH_STREAM: {
        if (args.mode == BENCH_STREAM)
            result.baseline_kib = bench_memory_kib("VmRSS");
        int fd = args.to ? open(args.to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : -1;
        done = fetch(session, fd, &result.bytes, NULL);
        result.ok = done;
        if (fd >= 0)
            close(fd);
        break;
    }
    case BENCH_MANY:
    case BENCH_TASKS: {
        Many many = {.session = session, .loop = g_main_loop_new(NULL, FALSE)};
        if (args.mode == BENCH_TASKS) {
            /* The warm-up is asynchronous too: a connection made by a synchronous call
             * belongs to that call's context, and async requests would wait on it. */
            long count = args.count;
            args.count = 1;
            run_many(&many, 1);
            if (many.ok != 1)
                break;
            args.count = count;
            many.started = many.finished = many.ok = 0;
            many.bytes = 0;
            result.baseline_kib = bench_memory_kib("VmRSS");
            run_many(&many, args.count);
        } else {
            many.restart = true;
            run_many(&many, args.window < args.count ? args.window : args.count);
        }
        g_main_loop_unref(many.loop);
        result.ok = many.ok;
        result.failed = many.failed;
        result.bytes = many.bytes;
        done = many.finished >= args.count;
        break;
    }
    case BENCH_TTFB: {
        static double fresh[TTFB_MAX], reused[TTFB_MAX];
        long count = args.count < TTFB_MAX ? args.count : TTFB_MAX;
        done = true;
        for (long i = 0; i < count && done; i++) {
            SoupSession *own = session_new();
            done = fetch(own, -1, &result.bytes, &fresh[i]) &&
                   fetch(own, -1, &result.bytes, &reused[i]);
            result.ok += done ? 2 : 0;
            g_object_unref(own);
        }
        result.ttfb_fresh_ms = bench_median(fresh, (size_t)count);
        result.ttfb_reused_ms = bench_median(reused, (size_t)count);
        break;
    }
    }
    result.hwm_kib = bench_memory_kib("VmHWM");
    result.failed += done ? 0 : 1;
    result.protocol = protocol;
    bench_print_result(&result);
    g_object_unref(session);
    return done && result.failed == 0 ? 0 : 1;
}
