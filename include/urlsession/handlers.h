/* handlers.h — decision handlers: how a delegate answers, now or later, from any thread.
 *
 * A delegate callback that must decide receives a handler. It answers by calling the
 * handler's complete function exactly once, during the callback or later from any
 * thread; to answer later it takes a reference first (the library drops its own when the
 * callback returns). A handler released without an answer applies the default shown
 * below and logs a warning, so a task never hangs on a forgotten decision. A second
 * answer is ignored with a warning.
 */
#ifndef URLSESSION_HANDLERS_H
#define URLSESSION_HANDLERS_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** UrlResponseDisposition: what to do with a response (default: ALLOW). */
typedef enum {
    URL_RESPONSE_CANCEL = 0,
    URL_RESPONSE_ALLOW = 1,
    URL_RESPONSE_BECOME_DOWNLOAD = 3,
} UrlResponseDisposition;

/**
 * url_response_handler_complete:
 * @disposition: URL_RESPONSE_ALLOW continues, URL_RESPONSE_CANCEL ends the task with
 *   URL_ERROR_CANCELLED, URL_RESPONSE_BECOME_DOWNLOAD turns a data task into a download
 *   task: the delegate's data_did_become_download_task runs, then the body is written to
 *   a temporary file as for url_session_download_task(). An upload task cannot become a
 *   download: for it BECOME_DOWNLOAD is ALLOW.
 * Thread: any
 */
URL_API void url_response_handler_complete(UrlResponseHandler *handler,
                                           UrlResponseDisposition disposition);
/** url_response_handler_ref: Returns: (transfer full) @handler. Thread: any */
URL_API UrlResponseHandler *url_response_handler_ref(UrlResponseHandler *handler);
/** url_response_handler_unref: without an answer, the last unref allows. Thread: any */
URL_API void url_response_handler_unref(UrlResponseHandler *handler);

/**
 * url_redirect_handler_complete:
 * @request: (transfer none) (nullable): the request to follow (the proposed one, or a
 *   modified one); NULL refuses the redirect, and the task completes with the redirect
 *   response and its body
 *
 * Default (no answer): follow the proposed request.
 * Thread: any
 */
URL_API void url_redirect_handler_complete(UrlRedirectHandler *handler, UrlRequest *request);
/** url_redirect_handler_ref: Returns: (transfer full) @handler. Thread: any */
URL_API UrlRedirectHandler *url_redirect_handler_ref(UrlRedirectHandler *handler);
/** url_redirect_handler_unref: without an answer, the last unref follows. Thread: any */
URL_API void url_redirect_handler_unref(UrlRedirectHandler *handler);

/**
 * url_body_stream_handler_complete:
 * @stream: (transfer none) (nullable): a fresh stream with the whole body again; NULL
 *   fails the task with URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED (also the default)
 * Thread: any
 */
URL_API void url_body_stream_handler_complete(UrlBodyStreamHandler *handler,
                                              UrlInputStream *stream);
/** url_body_stream_handler_ref: Returns: (transfer full) @handler. Thread: any */
URL_API UrlBodyStreamHandler *url_body_stream_handler_ref(UrlBodyStreamHandler *handler);
/** url_body_stream_handler_unref: without an answer, the last unref fails the task. Thread: any */
URL_API void url_body_stream_handler_unref(UrlBodyStreamHandler *handler);

/** UrlDelayedRequestDisposition: how a task whose earliest begin date came goes on. */
typedef enum {
    URL_DELAYED_REQUEST_CONTINUE_LOADING = 0,
    URL_DELAYED_REQUEST_USE_NEW_REQUEST = 1,
    URL_DELAYED_REQUEST_CANCEL = 2,
} UrlDelayedRequestDisposition;

/**
 * url_delayed_request_handler_complete:
 * @request: (transfer none) (nullable): the replacement, with
 *   URL_DELAYED_REQUEST_USE_NEW_REQUEST; ignored otherwise
 *
 * Default (no answer): continue loading the original request.
 * Thread: any
 */
URL_API void url_delayed_request_handler_complete(UrlDelayedRequestHandler *handler,
                                                  UrlDelayedRequestDisposition disposition,
                                                  UrlRequest *request);
/** url_delayed_request_handler_ref: Returns: (transfer full) @handler. Thread: any */
URL_API UrlDelayedRequestHandler *
url_delayed_request_handler_ref(UrlDelayedRequestHandler *handler);
/** url_delayed_request_handler_unref: without an answer, the last unref continues. Thread: any */
URL_API void url_delayed_request_handler_unref(UrlDelayedRequestHandler *handler);

#ifdef __cplusplus
}
#endif

#endif
