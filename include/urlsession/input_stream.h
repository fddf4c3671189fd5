/* input_stream.h — UrlInputStream: a request body produced while the request is sent. */
#ifndef URLSESSION_INPUT_STREAM_H
#define URLSESSION_INPUT_STREAM_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * url_input_stream_new_pipe:
 * @capacity: bytes buffered between the writer and the network; 0 means 64 KiB
 *
 * Creates a bound stream pair, like Foundation's getBoundStreams: the application writes
 * the body with url_input_stream_write() and ends it with url_input_stream_close_write(),
 * from any thread, while the task sends what has been written. Attach it with
 * url_request_set_body_stream().
 *
 * Returns: (transfer full): release with url_input_stream_unref()
 * Thread: any
 */
URL_API UrlInputStream *url_input_stream_new_pipe(size_t capacity);

/**
 * url_input_stream_write:
 * @stream: a pipe stream
 * @data: bytes to append
 * @length: their count
 * @timeout_seconds: how long to wait for room; < 0 waits for ever, 0 never waits
 *
 * Appends bytes. Blocks while the buffer is full, up to @timeout_seconds.
 *
 * Returns: the number of bytes taken (less than @length when the wait timed out), or
 *   -1 when the stream was closed for writing or its task ended.
 * Thread: any, never a delegate callback of the task sending this stream on a serial or
 *   manual queue (it could wait for itself)
 */
URL_API long url_input_stream_write(UrlInputStream *stream, const void *data, size_t length,
                                    double timeout_seconds);

/**
 * url_input_stream_close_write:
 * @stream: a pipe stream
 *
 * Marks the end of the body; the request ends once the buffered bytes are sent.
 * Thread: any
 */
URL_API void url_input_stream_close_write(UrlInputStream *stream);

/** url_input_stream_ref: Returns: (transfer full) @stream. Thread: any */
URL_API UrlInputStream *url_input_stream_ref(UrlInputStream *stream);

/** url_input_stream_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_input_stream_unref(UrlInputStream *stream);

#ifdef __cplusplus
}
#endif

#endif
