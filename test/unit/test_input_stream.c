/* test_input_stream.c — the body pipe: bounds, blocking writers, abort, close and wake-ups. */
#include "session/input_stream.h"

#include <string.h>

#include <glib.h>

static void test_write_then_read(void)
{
    UrlInputStream *stream = url_input_stream_new_pipe(0);
    char buffer[16];
    g_assert_cmpint(url__input_stream_read(stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    g_assert_false(url__input_stream_was_read(stream));

    g_assert_cmpint(url_input_stream_write(stream, "hello", 5, 0), ==, 5);
    g_assert_cmpint(url_input_stream_write(stream, "", 0, 0), ==, 0);
    g_assert_cmpint(url__input_stream_read(stream, buffer, 3), ==, 3);
    g_assert_cmpmem(buffer, 3, "hel", 3);
    g_assert_true(url__input_stream_was_read(stream));
    g_assert_cmpint(url__input_stream_read(stream, buffer, sizeof buffer), ==, 2);
    g_assert_cmpmem(buffer, 2, "lo", 2);
    g_assert_cmpint(url__input_stream_read(stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);

    url_input_stream_close_write(stream);
    url_input_stream_close_write(stream);
    g_assert_cmpint(url__input_stream_read(stream, buffer, sizeof buffer), ==, 0);
    g_assert_cmpint(url_input_stream_write(stream, "x", 1, 0), ==, -1);
    url_input_stream_unref(stream);
}

static void test_capacity_bounds_writes(void)
{
    UrlInputStream *stream = url_input_stream_new_pipe(8);
    const char *text = "abcdefghijklmnopqrst";
    g_assert_cmpint(url_input_stream_write(stream, text, 20, 0), ==, 8);
    g_assert_cmpint(url_input_stream_write(stream, text + 8, 12, 0), ==, 0);

    /* Interleaved reads and writes wrap around the ring and keep the order. */
    GString *received = g_string_new(NULL);
    size_t sent = 8;
    char buffer[5];
    while (received->len < 20) {
        ssize_t n = url__input_stream_read(stream, buffer, sizeof buffer);
        g_assert_cmpint(n, >, 0);
        g_string_append_len(received, buffer, n);
        if (sent < 20)
            sent += (size_t)url_input_stream_write(stream, text + sent, 20 - sent, 0);
    }
    g_assert_cmpstr(received->str, ==, text);
    g_string_free(received, TRUE);
    url_input_stream_unref(stream);

    /* 0 means 64 KiB. */
    stream = url_input_stream_new_pipe(0);
    char *big = g_malloc0(100000);
    g_assert_cmpint(url_input_stream_write(stream, big, 100000, 0), ==, 64 * 1024);
    g_free(big);
    url_input_stream_unref(stream);
}

static void test_write_times_out(void)
{
    UrlInputStream *stream = url_input_stream_new_pipe(4);
    /* A partial write returns what fitted once the time is up. */
    g_assert_cmpint(url_input_stream_write(stream, "abcdef", 6, 0.01), ==, 4);
    gint64 before = g_get_monotonic_time();
    g_assert_cmpint(url_input_stream_write(stream, "ef", 2, 0.05), ==, 0);
    g_assert_cmpint(g_get_monotonic_time() - before, >=, 50000);
    url_input_stream_unref(stream);
}

typedef struct {
    UrlInputStream *stream;
    const guint8 *data;
    size_t length;
    double timeout;
    GMutex lock;
    GCond cond;
    int wakes;
} Pipe;

static void pipe_init(Pipe *pipe, size_t capacity)
{
    memset(pipe, 0, sizeof *pipe);
    pipe->stream = url_input_stream_new_pipe(capacity);
    pipe->timeout = -1;
    g_mutex_init(&pipe->lock);
    g_cond_init(&pipe->cond);
}

static void pipe_clear(Pipe *pipe)
{
    url_input_stream_unref(pipe->stream);
    g_mutex_clear(&pipe->lock);
    g_cond_clear(&pipe->cond);
}

static void *writer_thread(void *data)
{
    Pipe *pipe = data;
    long written = url_input_stream_write(pipe->stream, pipe->data, pipe->length, pipe->timeout);
    return GINT_TO_POINTER((int)written);
}

static void count_wake(void *data)
{
    Pipe *pipe = data;
    g_mutex_lock(&pipe->lock);
    pipe->wakes++;
    g_cond_broadcast(&pipe->cond);
    g_mutex_unlock(&pipe->lock);
}

static int pipe_wakes(Pipe *pipe)
{
    g_mutex_lock(&pipe->lock);
    int wakes = pipe->wakes;
    g_mutex_unlock(&pipe->lock);
    return wakes;
}

/* Waits until the wake count passes @seen; false after a second without one. */
static bool wait_for_wake(Pipe *pipe, int seen)
{
    gint64 deadline = g_get_monotonic_time() + G_USEC_PER_SEC;
    g_mutex_lock(&pipe->lock);
    while (pipe->wakes <= seen) {
        if (!g_cond_wait_until(&pipe->cond, &pipe->lock, deadline))
            break;
    }
    bool woke = pipe->wakes > seen;
    g_mutex_unlock(&pipe->lock);
    return woke;
}

static void test_blocked_writer_is_released_by_reads(void)
{
    enum { TOTAL = 100000 };
    guint8 *payload = g_malloc(TOTAL);
    for (size_t i = 0; i < TOTAL; i++)
        payload[i] = (guint8)(i * 7 + i / 251);

    Pipe pipe;
    pipe_init(&pipe, 1000);
    pipe.data = payload;
    pipe.length = TOTAL;
    url__input_stream_set_wake(pipe.stream, count_wake, &pipe);
    GThread *writer = g_thread_new("writer", writer_thread, &pipe);

    /* The reader never blocks: it waits for the wake-up, as the network thread does. */
    guint8 *received = g_malloc(TOTAL);
    size_t got = 0;
    while (got < TOTAL) {
        int seen = pipe_wakes(&pipe);
        ssize_t n = url__input_stream_read(pipe.stream, received + got, 777);
        if (n == URL__INPUT_STREAM_WOULD_BLOCK) {
            g_assert_true(wait_for_wake(&pipe, seen));
            continue;
        }
        g_assert_cmpint(n, >, 0);
        got += (size_t)n;
    }
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(writer)), ==, TOTAL);
    g_assert_cmpmem(received, TOTAL, payload, TOTAL);

    url_input_stream_close_write(pipe.stream);
    char byte;
    g_assert_cmpint(url__input_stream_read(pipe.stream, &byte, 1), ==, 0);
    url__input_stream_set_wake(pipe.stream, NULL, NULL);
    g_free(received);
    g_free(payload);
    pipe_clear(&pipe);
}

static void test_abort_wakes_blocked_writer(void)
{
    Pipe pipe;
    pipe_init(&pipe, 4);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "full", 4, 0), ==, 4);
    pipe.data = (const guint8 *)"more";
    pipe.length = 4;
    GThread *writer = g_thread_new("writer", writer_thread, &pipe);
    /* Give it time to block; if it has not yet, it finds the abort on entry instead. */
    g_usleep(50000);
    url__input_stream_abort(pipe.stream);
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(writer)), ==, -1);

    char buffer[4];
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, -1);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "x", 1, -1), ==, -1);
    pipe_clear(&pipe);
}

static void test_close_wakes_blocked_writer(void)
{
    Pipe pipe;
    pipe_init(&pipe, 4);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "full", 4, 0), ==, 4);
    pipe.data = (const guint8 *)"more";
    pipe.length = 4;
    pipe.timeout = 30;
    GThread *writer = g_thread_new("writer", writer_thread, &pipe);
    g_usleep(50000);
    url_input_stream_close_write(pipe.stream);
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(writer)), ==, -1);

    /* What was written before the close is still delivered. */
    char buffer[8];
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, 4);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, 0);
    pipe_clear(&pipe);
}

static void test_wake_fires_once_per_transition(void)
{
    Pipe pipe;
    pipe_init(&pipe, 16);
    url__input_stream_set_wake(pipe.stream, count_wake, &pipe);
    char buffer[16];

    /* No reader has been turned away yet: nothing to wake. */
    g_assert_cmpint(url_input_stream_write(pipe.stream, "a", 1, 0), ==, 1);
    g_assert_cmpint(pipe.wakes, ==, 0);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, 1);

    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "b", 1, 0), ==, 1);
    g_assert_cmpint(pipe.wakes, ==, 1);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "c", 1, 0), ==, 1);
    g_assert_cmpint(pipe.wakes, ==, 1);

    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, 2);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "d", 1, 0), ==, 1);
    g_assert_cmpint(pipe.wakes, ==, 2);

    /* The end of the body wakes a waiting reader too. */
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, 1);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    url_input_stream_close_write(pipe.stream);
    g_assert_cmpint(pipe.wakes, ==, 3);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, 0);
    pipe_clear(&pipe);
}

static void test_no_wake_after_detach_or_abort(void)
{
    Pipe pipe;
    pipe_init(&pipe, 16);
    char buffer[4];
    url__input_stream_set_wake(pipe.stream, count_wake, &pipe);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    url__input_stream_set_wake(pipe.stream, NULL, NULL);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "a", 1, 0), ==, 1);
    g_assert_cmpint(pipe.wakes, ==, 0);

    url__input_stream_set_wake(pipe.stream, count_wake, &pipe);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==, 1);
    g_assert_cmpint(url__input_stream_read(pipe.stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    url__input_stream_abort(pipe.stream);
    g_assert_cmpint(url_input_stream_write(pipe.stream, "b", 1, 0), ==, -1);
    url_input_stream_close_write(pipe.stream);
    g_assert_cmpint(pipe.wakes, ==, 0);
    pipe_clear(&pipe);
}

typedef struct {
    UrlInputStream *stream;
    ssize_t read_in_callback;
    char byte;
    int calls;
} ReentrantReader;

/* Reads and detaches from inside the callback: it would deadlock if the stream's lock
 * were held during the call. */
static void read_inside_wake(void *data)
{
    ReentrantReader *reader = data;
    reader->calls++;
    reader->read_in_callback = url__input_stream_read(reader->stream, &reader->byte, 1);
    url__input_stream_set_wake(reader->stream, NULL, NULL);
}

static void test_wake_runs_outside_the_lock(void)
{
    ReentrantReader reader = {.stream = url_input_stream_new_pipe(4)};
    char buffer[4];
    url__input_stream_set_wake(reader.stream, read_inside_wake, &reader);
    g_assert_cmpint(url__input_stream_read(reader.stream, buffer, sizeof buffer), ==,
                    URL__INPUT_STREAM_WOULD_BLOCK);
    g_assert_cmpint(url_input_stream_write(reader.stream, "z", 1, 0), ==, 1);
    g_assert_cmpint(reader.calls, ==, 1);
    g_assert_cmpint(reader.read_in_callback, ==, 1);
    g_assert_cmpint(reader.byte, ==, 'z');
    url_input_stream_unref(reader.stream);
}

static void test_ref_counting(void)
{
    UrlInputStream *stream = url_input_stream_new_pipe(1);
    g_assert_true(url_input_stream_ref(stream) == stream);
    url_input_stream_unref(stream);
    g_assert_cmpint(url_input_stream_write(stream, "a", 1, 0), ==, 1);
    url_input_stream_unref(stream);
    url_input_stream_unref(NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/input-stream/write-then-read", test_write_then_read);
    g_test_add_func("/input-stream/capacity-bounds-writes", test_capacity_bounds_writes);
    g_test_add_func("/input-stream/write-times-out", test_write_times_out);
    g_test_add_func("/input-stream/blocked-writer-is-released-by-reads",
                    test_blocked_writer_is_released_by_reads);
    g_test_add_func("/input-stream/abort-wakes-blocked-writer", test_abort_wakes_blocked_writer);
    g_test_add_func("/input-stream/close-wakes-blocked-writer", test_close_wakes_blocked_writer);
    g_test_add_func("/input-stream/wake-fires-once-per-transition",
                    test_wake_fires_once_per_transition);
    g_test_add_func("/input-stream/no-wake-after-detach-or-abort",
                    test_no_wake_after_detach_or_abort);
    g_test_add_func("/input-stream/wake-runs-outside-the-lock", test_wake_runs_outside_the_lock);
    g_test_add_func("/input-stream/ref-counting", test_ref_counting);
    return g_test_run();
}
