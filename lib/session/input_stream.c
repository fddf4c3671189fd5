/* input_stream.c — UrlInputStream: a bounded pipe between an application's writer threads
 * and the network thread, which reads without ever blocking. */
#include "input_stream.h"

#include <string.h>

#include <glib.h>

#define URL__DEFAULT_PIPE_CAPACITY (64 * 1024)

struct UrlInputStream {
    int ref_count; /* atomic */
    GMutex lock;
    GCond changed; /* room, close or abort: what blocked writers wait for */
    guint8 *buffer;
    size_t capacity;
    size_t head;   /* index of the oldest byte */
    size_t length; /* bytes buffered */
    bool write_closed;
    bool aborted;
    bool was_read;
    /* A read found nothing: the next data or the end must wake the reader. */
    bool reader_waiting;
    UrlInputStreamWakeFunc wake;
    void *wake_data;
    /* Wake callbacks running outside the lock; detaching waits for them to return so
     * that the reader's data outlives every call. */
    int wakes_running;
};

/* The stream whose wake callback this thread is running, so that a callback detaching
 * its own reader does not wait for itself. */
static GPrivate url_waking_stream;

/* Called with the lock held when data or the end arrives; returns with it held. */
static void url_input_stream_wake_reader(UrlInputStream *stream)
{
    if (!stream->reader_waiting)
        return;
    stream->reader_waiting = false;
    UrlInputStreamWakeFunc wake = stream->wake;
    void *data = stream->wake_data;
    if (wake == NULL)
        return;
    /* The callback posts work to the network thread, which may come straight back to
     * read: calling it under the lock would make that reader wait on this writer. */
    stream->wakes_running++;
    g_mutex_unlock(&stream->lock);
    void *outer = g_private_get(&url_waking_stream);
    g_private_set(&url_waking_stream, stream);
    wake(data);
    g_private_set(&url_waking_stream, outer);
    g_mutex_lock(&stream->lock);
    stream->wakes_running--;
    g_cond_broadcast(&stream->changed);
}

static void url_input_stream_append(UrlInputStream *stream, const guint8 *data, size_t count)
{
    size_t tail = (stream->head + stream->length) % stream->capacity;
    size_t first = MIN(count, stream->capacity - tail);
    memcpy(stream->buffer + tail, data, first);
    memcpy(stream->buffer, data + first, count - first);
    stream->length += count;
}

static void url_input_stream_take(UrlInputStream *stream, guint8 *data, size_t count)
{
    size_t first = MIN(count, stream->capacity - stream->head);
    memcpy(data, stream->buffer + stream->head, first);
    memcpy(data + first, stream->buffer, count - first);
    stream->head = (stream->head + count) % stream->capacity;
    stream->length -= count;
}

UrlInputStream *url_input_stream_new_pipe(size_t capacity)
{
    UrlInputStream *stream = g_new0(UrlInputStream, 1);
    stream->ref_count = 1;
    g_mutex_init(&stream->lock);
    g_cond_init(&stream->changed);
    stream->capacity = capacity > 0 ? capacity : URL__DEFAULT_PIPE_CAPACITY;
    stream->buffer = g_malloc(stream->capacity);
    return stream;
}

long url_input_stream_write(UrlInputStream *stream, const void *data, size_t length,
                            double timeout_seconds)
{
    g_return_val_if_fail(stream != NULL, -1);
    g_return_val_if_fail(data != NULL || length == 0, -1);
    /* The count is returned as a long; refuse what it cannot express. */
    g_return_val_if_fail(length <= (size_t)G_MAXLONG, -1);

    /* NaN compares false both ways: it never waits, like 0. */
    bool forever = timeout_seconds < 0;
    bool waits = forever || timeout_seconds > 0;
    gint64 deadline = 0;
    if (!forever && waits) {
        double micros = timeout_seconds * G_USEC_PER_SEC;
        deadline = micros >= (double)(G_MAXINT64 / 2) ? G_MAXINT64 / 2
                                                      : g_get_monotonic_time() + (gint64)micros;
    }

    const guint8 *bytes = data;
    size_t taken = 0;
    long result;
    g_mutex_lock(&stream->lock);
    for (;;) {
        if (stream->write_closed || stream->aborted) {
            result = -1;
            break;
        }
        size_t room = stream->capacity - stream->length;
        if (room > 0 && taken < length) {
            size_t count = MIN(room, length - taken);
            url_input_stream_append(stream, bytes + taken, count);
            taken += count;
            url_input_stream_wake_reader(stream);
            continue;
        }
        if (taken == length) {
            result = (long)taken;
            break;
        }
        if (!waits || (!forever && g_get_monotonic_time() >= deadline)) {
            result = (long)taken;
            break;
        }
        if (forever)
            g_cond_wait(&stream->changed, &stream->lock);
        else
            g_cond_wait_until(&stream->changed, &stream->lock, deadline);
    }
    g_mutex_unlock(&stream->lock);
    return result;
}

void url_input_stream_close_write(UrlInputStream *stream)
{
    g_return_if_fail(stream != NULL);
    g_mutex_lock(&stream->lock);
    if (!stream->write_closed) {
        stream->write_closed = true;
        /* Other writers still blocked on this stream give up. */
        g_cond_broadcast(&stream->changed);
        url_input_stream_wake_reader(stream);
    }
    g_mutex_unlock(&stream->lock);
}

UrlInputStream *url_input_stream_ref(UrlInputStream *stream)
{
    g_return_val_if_fail(stream != NULL, NULL);
    g_atomic_int_inc(&stream->ref_count);
    return stream;
}

void url_input_stream_unref(UrlInputStream *stream)
{
    if (stream == NULL || !g_atomic_int_dec_and_test(&stream->ref_count))
        return;
    g_mutex_clear(&stream->lock);
    g_cond_clear(&stream->changed);
    g_free(stream->buffer);
    g_free(stream);
}

void url__input_stream_set_wake(UrlInputStream *stream, UrlInputStreamWakeFunc wake, void *data)
{
    g_return_if_fail(stream != NULL);
    g_mutex_lock(&stream->lock);
    if (g_private_get(&url_waking_stream) != stream) {
        while (stream->wakes_running > 0)
            g_cond_wait(&stream->changed, &stream->lock);
    }
    stream->wake = wake;
    stream->wake_data = data;
    g_mutex_unlock(&stream->lock);
}

ssize_t url__input_stream_read(UrlInputStream *stream, void *buffer, size_t length)
{
    g_return_val_if_fail(stream != NULL, -1);
    g_return_val_if_fail(buffer != NULL && length > 0, -1);
    ssize_t result;
    g_mutex_lock(&stream->lock);
    if (stream->aborted) {
        result = -1;
    } else if (stream->length > 0) {
        size_t count = MIN(length, stream->length);
        count = MIN(count, (size_t)G_MAXSSIZE);
        url_input_stream_take(stream, buffer, count);
        stream->was_read = true;
        g_cond_broadcast(&stream->changed);
        result = (ssize_t)count;
    } else if (stream->write_closed) {
        stream->was_read = true;
        result = 0;
    } else {
        stream->reader_waiting = true;
        result = URL__INPUT_STREAM_WOULD_BLOCK;
    }
    g_mutex_unlock(&stream->lock);
    return result;
}

bool url__input_stream_was_read(UrlInputStream *stream)
{
    g_return_val_if_fail(stream != NULL, false);
    g_mutex_lock(&stream->lock);
    bool was_read = stream->was_read;
    g_mutex_unlock(&stream->lock);
    return was_read;
}

void url__input_stream_abort(UrlInputStream *stream)
{
    g_return_if_fail(stream != NULL);
    g_mutex_lock(&stream->lock);
    stream->aborted = true;
    /* The reader is gone: nothing will drain the buffer, so nothing should wake it. */
    stream->reader_waiting = false;
    stream->length = 0;
    g_cond_broadcast(&stream->changed);
    g_mutex_unlock(&stream->lock);
}
