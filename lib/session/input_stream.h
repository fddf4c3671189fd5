/* input_stream.h — the network side of UrlInputStream: non-blocking reads and a wake-up
 * when a reader that found the buffer empty can go on. */
#ifndef URL_SESSION_INPUT_STREAM_PRIVATE_H
#define URL_SESSION_INPUT_STREAM_PRIVATE_H

#include <sys/types.h>

#include <urlsession/input_stream.h>

#define URL__INPUT_STREAM_WOULD_BLOCK (-2)

/* Called from a writer's thread (inside url_input_stream_write/close_write) when bytes
 * or the end arrive after a read returned URL__INPUT_STREAM_WOULD_BLOCK. Must not block;
 * it typically posts a job to the network thread. */
typedef void (*UrlInputStreamWakeFunc)(void *data);

/* Attaches the reader (one at a time). Passing NULL detaches it. */
void url__input_stream_set_wake(UrlInputStream *stream, UrlInputStreamWakeFunc wake, void *data);

/* Non-blocking read: > 0 bytes copied, 0 at the end of the body, URL__INPUT_STREAM_WOULD_BLOCK
 * when the buffer is empty and the writer has not closed, -1 after abort. Marks the stream
 * as consumed. */
ssize_t url__input_stream_read(UrlInputStream *stream, void *buffer, size_t length);

/* Whether any read happened (such a stream cannot be sent again). */
bool url__input_stream_was_read(UrlInputStream *stream);

/* The reader is gone (task ended): pending and later writes return -1, blocked writers
 * wake up. */
void url__input_stream_abort(UrlInputStream *stream);

#endif
