/* task.h — UrlSessionTask: one request's life: state, progress, control and result. */
#ifndef URLSESSION_TASK_H
#define URLSESSION_TASK_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** UrlSessionTaskState: the values of URLSessionTask.State. */
typedef enum {
    URL_TASK_STATE_RUNNING = 0,
    URL_TASK_STATE_SUSPENDED = 1,
    URL_TASK_STATE_CANCELING = 2,
    URL_TASK_STATE_COMPLETED = 3,
} UrlSessionTaskState;

/** UrlSessionTaskKind: what a task does with the response body. */
typedef enum {
    URL_TASK_KIND_DATA = 0,
    URL_TASK_KIND_DOWNLOAD = 1,
    URL_TASK_KIND_UPLOAD = 2,
} UrlSessionTaskKind;

/** Priority constants, as URLSessionTask's. */
#define URL_TASK_PRIORITY_LOW     0.25f
#define URL_TASK_PRIORITY_DEFAULT 0.5f
#define URL_TASK_PRIORITY_HIGH    0.75f

/** url_session_task_ref: Returns: (transfer full) @task. Thread: any */
URL_API UrlSessionTask *url_session_task_ref(UrlSessionTask *task);

/** url_session_task_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_session_task_unref(UrlSessionTask *task);

/**
 * url_session_task_resume:
 *
 * Tasks start suspended with a suspend count of 1. Resume lowers the count; at 0 the task
 * runs (or continues). Resuming a running, cancelled or completed task does nothing.
 * Thread: any
 */
URL_API void url_session_task_resume(UrlSessionTask *task);

/**
 * url_session_task_suspend:
 *
 * Raises the suspend count; a running transfer pauses (no bytes are read or sent) until
 * as many resumes have been made. The request timeout does not run while suspended.
 * Thread: any
 */
URL_API void url_session_task_suspend(UrlSessionTask *task);

/**
 * url_session_task_cancel:
 *
 * Ends the task: it completes once with URL_ERROR_CANCELLED, unless it had already
 * completed (then nothing happens). Works on suspended tasks too.
 * Thread: any, delegate callbacks included
 */
URL_API void url_session_task_cancel(UrlSessionTask *task);

/**
 * UrlResumeDataCallback:
 * @resume_data: (nullable): the resume data, valid for the call only; NULL when the task
 *   cannot be resumed (not a download, no ETag or Last-Modified, not a GET, or already
 *   completed)
 *
 * Runs once on the session's delegate queue, just before the task's did_complete (or
 * completion handler).
 */
typedef void (*UrlResumeDataCallback)(UrlSessionTask *task, const void *resume_data, size_t length,
                                      void *user_data);

/**
 * url_session_task_cancel_by_producing_resume_data:
 * @callback: receives the resume data
 * @user_data: passed to @callback
 *
 * Cancels a download task like url_session_task_cancel() and keeps what it downloaded:
 * the partial file stays in the download directory, and @callback receives resume data
 * for url_session_download_task_with_resume_data(). The task completes with
 * URL_ERROR_CANCELLED, an error that carries the same resume data.
 *
 * Thread: any
 */
URL_API void url_session_task_cancel_by_producing_resume_data(UrlSessionTask *task,
                                                              UrlResumeDataCallback callback,
                                                              void *user_data);

/**
 * url_session_task_wait:
 * @timeout_seconds: < 0 waits for ever
 *
 * Blocks until the task's completion callback (delegate did_complete or completion
 * handler) has returned. When the session's queue is a manual queue, it dispatches that
 * queue on the calling thread while waiting; when it is a GLib queue whose context the
 * caller owns, it iterates that context.
 *
 * Returns: true when the task completed, false on timeout or when called from one of the
 *   session's own callbacks (which would wait for itself; a critical is logged)
 * Thread: any
 */
URL_API bool url_session_task_wait(UrlSessionTask *task, double timeout_seconds);

/** Returns: the task's state. Thread: any */
URL_API UrlSessionTaskState url_session_task_get_state(const UrlSessionTask *task);

/** Returns: data, download or upload. Thread: any */
URL_API UrlSessionTaskKind url_session_task_get_kind(const UrlSessionTask *task);

/** Returns: an identifier unique within the session, from 1. Thread: any */
URL_API uint64_t url_session_task_get_identifier(const UrlSessionTask *task);

/**
 * url_session_task_get_session:
 * Returns: (transfer none): the task's session, valid while @task lives
 * Thread: any
 */
URL_API UrlSession *url_session_task_get_session(const UrlSessionTask *task);

/**
 * url_session_task_set_description:
 * @description: (nullable): a label for the app's own use, copied
 * Thread: any
 */
URL_API void url_session_task_set_description(UrlSessionTask *task, const char *description);

/** Returns: (transfer full) (nullable): the label; free with free(). Thread: any */
URL_API char *url_session_task_get_description(const UrlSessionTask *task);

/**
 * url_session_task_set_priority:
 * @priority: 0.0 to 1.0; default URL_TASK_PRIORITY_DEFAULT
 *
 * Mapped to the HTTP/2 stream weight (1 + priority * 255). When more requests to one
 * origin are waiting than its connections carry (see
 * url_session_configuration_set_max_connections_per_host()), the waiting ones start
 * highest priority first, in resume order within a priority; over HTTP/1.1 that order is
 * all it changes. Takes effect for requests sent after the call.
 * Thread: any
 */
URL_API void url_session_task_set_priority(UrlSessionTask *task, float priority);
/** Returns: the priority. Thread: any */
URL_API float url_session_task_get_priority(const UrlSessionTask *task);

/**
 * url_session_task_set_earliest_begin_date:
 * @unix_time: seconds since the Unix epoch; 0 clears it
 *
 * The task does not start before this moment even when resumed; then the delegate's
 * will_begin_delayed_request may continue, substitute the request or cancel. Set it
 * before the first resume.
 * Thread: any
 */
URL_API void url_session_task_set_earliest_begin_date(UrlSessionTask *task, double unix_time);
/** Returns: the earliest begin date, 0 when none. Thread: any */
URL_API double url_session_task_get_earliest_begin_date(const UrlSessionTask *task);

/**
 * url_session_task_set_count_of_bytes_client_expects_to_send:
 * @bytes: the expected request body size, or -1 for unknown (default)
 *
 * Used as the total for upload progress until the body's own length is known.
 * Thread: any
 */
URL_API void url_session_task_set_count_of_bytes_client_expects_to_send(UrlSessionTask *task,
                                                                        int64_t bytes);
/**
 * url_session_task_set_count_of_bytes_client_expects_to_receive:
 * @bytes: the expected response body size, or -1 for unknown (default)
 *
 * Used as the total for download progress until the server sends a Content-Length.
 * Thread: any
 */
URL_API void url_session_task_set_count_of_bytes_client_expects_to_receive(UrlSessionTask *task,
                                                                           int64_t bytes);

/** Returns: response body bytes received so far (after decoding). Thread: any */
URL_API int64_t url_session_task_get_count_of_bytes_received(const UrlSessionTask *task);
/** Returns: request body bytes sent so far. Thread: any */
URL_API int64_t url_session_task_get_count_of_bytes_sent(const UrlSessionTask *task);
/** Returns: the expected response body size, -1 when unknown. Thread: any */
URL_API int64_t url_session_task_get_count_of_bytes_expected_to_receive(const UrlSessionTask *task);
/** Returns: the expected request body size, -1 when unknown. Thread: any */
URL_API int64_t url_session_task_get_count_of_bytes_expected_to_send(const UrlSessionTask *task);

/**
 * url_session_task_get_progress:
 * Returns: the fraction done, 0.0 to 1.0 (upload then download), or -1 when no total is
 *   known yet; 1.0 once completed successfully
 * Thread: any
 */
URL_API double url_session_task_get_progress(const UrlSessionTask *task);

/**
 * url_session_task_get_original_request:
 * Returns: (transfer full): the request the task was created with; release with
 *   url_request_unref()
 * Thread: any
 */
URL_API UrlRequest *url_session_task_get_original_request(const UrlSessionTask *task);

/**
 * url_session_task_get_current_request:
 * Returns: (transfer full): the request being sent now (after redirects); release with
 *   url_request_unref()
 * Thread: any
 */
URL_API UrlRequest *url_session_task_get_current_request(const UrlSessionTask *task);

/**
 * url_session_task_get_response:
 * Returns: (transfer full) (nullable): the final response once its headers arrived;
 *   release with url_response_unref()
 * Thread: any
 */
URL_API UrlResponse *url_session_task_get_response(const UrlSessionTask *task);

/**
 * url_session_task_get_error:
 * Returns: (transfer full) (nullable): the error the task completed with, NULL while
 *   running or after success; release with url_error_unref()
 * Thread: any
 */
URL_API UrlError *url_session_task_get_error(const UrlSessionTask *task);

/**
 * url_session_task_get_metrics:
 * Returns: (transfer full) (nullable): the task's metrics once completed, else NULL;
 *   release with url_task_metrics_unref()
 * Thread: any
 */
URL_API UrlTaskMetrics *url_session_task_get_metrics(const UrlSessionTask *task);

#ifdef __cplusplus
}
#endif

#endif
