/* delegate.h — UrlSessionDelegate: the table of optional callbacks a session calls. */
#ifndef URLSESSION_DELEGATE_H
#define URLSESSION_DELEGATE_H

#include "auth.h"
#include "cache.h"
#include "handlers.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * UrlSessionDelegate:
 *
 * Every member is optional (NULL). The session copies the table. Every callback runs on
 * the session's delegate queue, one at a time and in order, and receives the
 * delegate_data given to url_session_new(). Objects passed in are borrowed for the
 * duration of the callback: take a reference (url_*_ref) to keep one.
 *
 * Order per task: will_begin_delayed_request?, (did_send_body_data*,
 * (will_perform_redirection | task_did_receive_challenge)?)*, data_did_receive_response?,
 * data_did_become_download_task?, data_did_receive_data* or download_did_write_data* then
 * download_did_finish_downloading_to, data_will_cache_response?, then
 * did_finish_collecting_metrics and did_complete exactly once. A task created with a
 * completion handler gets its completion handler instead of the data, download and
 * did_complete callbacks.
 *
 * New callbacks take the place of reserved slots, so the table's size never changes:
 * zero-initialise it (`UrlSessionDelegate d = {0};` or designated initialisers).
 */
typedef struct UrlSessionDelegate {
    /* Session level. */
    /** After url_session_finish_tasks_and_invalidate() once the last task ended, or after
     * url_session_invalidate_and_cancel(); the last callback the session makes. */
    void (*did_become_invalid)(UrlSession *session, const UrlError *error, void *delegate_data);

    /* Task level. */
    /** The task's earliest begin date came; answer with the handler. */
    void (*will_begin_delayed_request)(UrlSession *session, UrlSessionTask *task,
                                       UrlRequest *request, UrlDelayedRequestHandler *handler,
                                       void *delegate_data);
    /** A 3xx with Location arrived. @new_request is the request the library proposes
     * (method rewritten per RFC 9110: 301/302 POST and 303 become GET without a body;
     * 307/308 keep method and body; Authorization dropped across origins). */
    void (*will_perform_redirection)(UrlSession *session, UrlSessionTask *task,
                                     const UrlResponse *response, UrlRequest *new_request,
                                     UrlRedirectHandler *handler, void *delegate_data);
    /** Body bytes went out: @bytes_sent now, @total_sent so far, @total_expected or -1. */
    void (*did_send_body_data)(UrlSession *session, UrlSessionTask *task, int64_t bytes_sent,
                               int64_t total_sent, int64_t total_expected, void *delegate_data);
    /** A stream body must be sent again (a 307/308 redirect). */
    void (*need_new_body_stream)(UrlSession *session, UrlSessionTask *task,
                                 UrlBodyStreamHandler *handler, void *delegate_data);
    /** Metrics for the whole task, just before did_complete. */
    void (*did_finish_collecting_metrics)(UrlSession *session, UrlSessionTask *task,
                                          const UrlTaskMetrics *metrics, void *delegate_data);
    /** The task ended: @error is NULL on success. Called exactly once per task. */
    void (*did_complete)(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                         void *delegate_data);

    /* Data tasks (and upload tasks, which receive a response body too). */
    /** The final response's headers arrived; the body waits for the handler's answer. */
    void (*data_did_receive_response)(UrlSession *session, UrlSessionTask *task,
                                      const UrlResponse *response, UrlResponseHandler *handler,
                                      void *delegate_data);
    /** Body bytes, in order; @data is valid for the call only. */
    void (*data_did_receive_data)(UrlSession *session, UrlSessionTask *task, const void *data,
                                  size_t length, void *delegate_data);

    /* Download tasks. */
    /** Bytes reached the temporary file. @total_expected is -1 when unknown. */
    void (*download_did_write_data)(UrlSession *session, UrlSessionTask *task,
                                    int64_t bytes_written, int64_t total_written,
                                    int64_t total_expected, void *delegate_data);
    /** The download is complete in the file at @location. Move or open it during the
     * call: the library removes whatever is still at @location when the call returns. */
    void (*download_did_finish_downloading_to)(UrlSession *session, UrlSessionTask *task,
                                               const char *location, void *delegate_data);

    /* Data tasks that become download tasks. */
    /** The delegate answered data_did_receive_response with URL_RESPONSE_BECOME_DOWNLOAD.
     * @download_task is @data_task itself, now of kind URL_TASK_KIND_DOWNLOAD with the same
     * identifier: the body goes to a temporary file, and download_did_write_data,
     * download_did_finish_downloading_to and did_complete follow. Runs before them. */
    void (*data_did_become_download_task)(UrlSession *session, UrlSessionTask *data_task,
                                          UrlSessionTask *download_task, void *delegate_data);

    /* Downloads that continue from resume data. */
    /** The server answered the resumed request: @file_offset is where the body continues
     * (0 when the download had to start again: the server ignored the range or the
     * resource changed), @expected_total_bytes the whole size or -1. Runs before the
     * first download_did_write_data. */
    void (*download_did_resume_at_offset)(UrlSession *session, UrlSessionTask *task,
                                          int64_t file_offset, int64_t expected_total_bytes,
                                          void *delegate_data);

    /* Authentication challenges (HTTP Basic and Digest, from the server or the proxy). */
    /** A 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) with a Basic or Digest
     * challenge arrived: answer with the handler. Tried before did_receive_challenge.
     * Without either callback a stored credential is used once, else the 401/407
     * completes the task as its response. Called for tasks with a completion handler
     * too. The challenge is borrowed for the call. */
    void (*task_did_receive_challenge)(UrlSession *session, UrlSessionTask *task,
                                       const UrlAuthenticationChallenge *challenge,
                                       UrlAuthChallengeHandler *handler, void *delegate_data);
    /** The session-level form, used when task_did_receive_challenge is NULL. */
    void (*did_receive_challenge)(UrlSession *session, const UrlAuthenticationChallenge *challenge,
                                  UrlAuthChallengeHandler *handler, void *delegate_data);

    /* Network paths (lib/path). */
    /** The task has no usable (permitted) network path and the configuration waits for
     * connectivity: it starts by itself when a path appears. Called at most once per
     * task, before any other event of it. */
    void (*task_is_waiting_for_connectivity)(UrlSession *session, UrlSessionTask *task,
                                             void *delegate_data);
    /** A better interface than the one the running task uses became usable (Wi-Fi or
     * wired while the task is on cellular or an expensive interface). Once per change;
     * cancel and restart the task to move it. Tasks in the handover multipath mode move by
     * themselves and do not get it. */
    void (*task_better_route_discovered)(UrlSession *session, UrlSessionTask *task,
                                         void *delegate_data);

    /* HTTP cache (cache.h). */
    /** A data task's response (status, headers and whole body) may be stored in the
     * session's cache: answer with the handler (store @proposed, a modified one, or
     * nothing). Runs after the last data_did_receive_data and before did_complete, which
     * does not wait for the answer. Tasks with a completion handler do not get it (their
     * responses are stored as proposed). @proposed is borrowed for the call. */
    void (*data_will_cache_response)(UrlSession *session, UrlSessionTask *task,
                                     UrlCachedResponse *proposed, UrlCacheResponseHandler *handler,
                                     void *delegate_data);

    /** Room for callbacks of later versions; leave zero. */
    void (*reserved[17])(void);
} UrlSessionDelegate;

/**
 * UrlDataCompletion:
 * @data: (nullable): the whole body, valid for the call only
 * @response: (nullable): the final response; NULL when none arrived
 * @error: (nullable): NULL on success
 *
 * Runs once on the session's delegate queue.
 */
typedef void (*UrlDataCompletion)(UrlSessionTask *task, const void *data, size_t length,
                                  const UrlResponse *response, const UrlError *error,
                                  void *user_data);

/**
 * UrlDownloadCompletion:
 * @location: (nullable): the downloaded file; move it during the call, it is removed
 *   afterwards. NULL on error.
 *
 * Runs once on the session's delegate queue.
 */
typedef void (*UrlDownloadCompletion)(UrlSessionTask *task, const char *location,
                                      const UrlResponse *response, const UrlError *error,
                                      void *user_data);

#ifdef __cplusplus
}
#endif

#endif
