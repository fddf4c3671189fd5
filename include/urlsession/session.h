/* session.h — UrlSession: a connection pool, a delegate and the tasks that use them. */
#ifndef URLSESSION_SESSION_H
#define URLSESSION_SESSION_H

#include "delegate.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * url_session_new:
 * @configuration: (transfer none): copied; later changes to it do not affect the session
 * @delegate: (nullable): copied; NULL for a session used only with completion handlers
 * @delegate_data: passed to every delegate callback; the session does not own it. It must
 *   stay valid until did_become_invalid (or, without invalidation, until the session is
 *   freed)
 * @delegate_queue: (transfer none) (nullable): where callbacks run; NULL makes a serial
 *   queue with its own thread
 *
 * Each session has its own connection pool, like URLSession.
 *
 * Returns: (transfer full): release with url_session_unref(). Tasks keep their session
 *   alive until they complete.
 * Thread: any
 */
URL_API UrlSession *url_session_new(const UrlSessionConfiguration *configuration,
                                    const UrlSessionDelegate *delegate, void *delegate_data,
                                    UrlQueue *delegate_queue);

/**
 * url_session_shared:
 *
 * The process-wide session with the default configuration, no delegate and a serial
 * queue, for completion-handler tasks. Invalidating it does nothing.
 *
 * Returns: (transfer none): the shared session, valid for the life of the process
 * Thread: any
 */
URL_API UrlSession *url_session_shared(void);

/** url_session_ref: Returns: (transfer full) @session. Thread: any */
URL_API UrlSession *url_session_ref(UrlSession *session);

/** url_session_unref: drops a reference; NULL is ignored. Thread: any, delegate callbacks too */
URL_API void url_session_unref(UrlSession *session);

/**
 * url_session_get_configuration:
 * Returns: (transfer full): a copy of the session's configuration; release with
 *   url_session_configuration_unref()
 * Thread: any
 */
URL_API UrlSessionConfiguration *url_session_get_configuration(const UrlSession *session);

/**
 * url_session_get_delegate_queue:
 * Returns: (transfer none): the queue callbacks run on, valid while @session lives
 * Thread: any
 */
URL_API UrlQueue *url_session_get_delegate_queue(const UrlSession *session);

/**
 * url_session_set_description:
 * @description: (nullable): a label for debugging, copied
 * Thread: any
 */
URL_API void url_session_set_description(UrlSession *session, const char *description);

/**
 * url_session_get_description:
 * Returns: (transfer full) (nullable): the label; free with free()
 * Thread: any
 */
URL_API char *url_session_get_description(const UrlSession *session);

/**
 * url_session_get_all_tasks:
 * @count: (out): the number of tasks returned
 *
 * The tasks that have not completed yet, in creation order.
 *
 * Returns: (transfer full) (array length=count): an array of new task references; release
 *   it with url_session_task_list_free()
 * Thread: any
 */
URL_API UrlSessionTask **url_session_get_all_tasks(UrlSession *session, size_t *count);

/**
 * url_session_task_list_free:
 * @tasks: (nullable): an array from url_session_get_all_tasks()
 *
 * Unrefs every task and frees the array.
 * Thread: any
 */
URL_API void url_session_task_list_free(UrlSessionTask **tasks, size_t count);

/**
 * url_session_finish_tasks_and_invalidate:
 *
 * Lets running tasks finish, refuses new ones (task constructors return NULL), then
 * calls did_become_invalid (error NULL) after the last task's did_complete, and drops the
 * delegate. Calling it again does nothing.
 * Thread: any
 */
URL_API void url_session_finish_tasks_and_invalidate(UrlSession *session);

/**
 * url_session_invalidate_and_cancel:
 *
 * Like url_session_finish_tasks_and_invalidate() but cancels every task first: each
 * completes once with URL_ERROR_CANCELLED, then did_become_invalid runs.
 * Thread: any
 */
URL_API void url_session_invalidate_and_cancel(UrlSession *session);

/** Returns: whether invalidation was requested. Thread: any */
URL_API bool url_session_is_invalidated(const UrlSession *session);

/**
 * url_session_data_task:
 * @request: (transfer none): the request; the task keeps its own copy
 *
 * Creates a data task: the response body goes to data_did_receive_data. Tasks start
 * suspended: call url_session_task_resume() to start it.
 *
 * Returns: (transfer full) (nullable): a new task, NULL once the session is invalidated;
 *   release with url_session_task_unref(). The session keeps its own reference until the
 *   task completes, so releasing it early does not stop it.
 * Thread: any
 */
URL_API UrlSessionTask *url_session_data_task(UrlSession *session, UrlRequest *request);

/**
 * url_session_data_task_with_completion:
 * @completion: called once on the delegate queue with the whole body
 *
 * Like url_session_data_task() but the body is collected and handed to @completion.
 *
 * Returns: (transfer full) (nullable): as url_session_data_task()
 * Thread: any
 */
URL_API UrlSessionTask *url_session_data_task_with_completion(UrlSession *session,
                                                              UrlRequest *request,
                                                              UrlDataCompletion completion,
                                                              void *user_data);

/**
 * url_session_download_task:
 *
 * Creates a download task: the body streams to a temporary file in the configuration's
 * download directory, reported by download_did_write_data and handed over in
 * download_did_finish_downloading_to. A failed or cancelled download leaves no file,
 * unless its error carries resume data (url_error_get_resume_data()): then the partial
 * file stays for url_session_download_task_with_resume_data().
 *
 * Returns: (transfer full) (nullable): as url_session_data_task()
 * Thread: any
 */
URL_API UrlSessionTask *url_session_download_task(UrlSession *session, UrlRequest *request);

/**
 * url_session_download_task_with_resume_data:
 * @session: the session; it must use the download directory the resume data came from
 * @resume_data: (transfer none): a blob from url_error_get_resume_data() or from
 *   url_session_task_cancel_by_producing_resume_data()
 * @length: its length in bytes
 * @error: (out) (optional): why the blob cannot be used
 *
 * Creates a download task that continues an interrupted download: a GET of the same URL
 * with `Range: bytes=OFFSET-` and `If-Range` set to the validator the first response had.
 * When the server answers 206 the body is appended to the partial file and
 * download_did_resume_at_offset reports OFFSET; when it answers 200 (it ignores ranges,
 * or the resource changed) the download starts again from byte 0 and
 * download_did_resume_at_offset reports 0. A partial file that has gone makes it start
 * from 0 too.
 *
 * Returns: (transfer full) (nullable): a new suspended download task, or NULL with
 *   @error set to URL_ERROR_CANNOT_DECODE_RAW_DATA when the blob is not liburlsession
 *   resume data, is of an unknown version, is corrupt (checksum), or names a partial file
 *   outside this session's download directory
 * Thread: any
 */
URL_API UrlSessionTask *url_session_download_task_with_resume_data(UrlSession *session,
                                                                   const void *resume_data,
                                                                   size_t length, UrlError **error);

/**
 * url_session_discard_resume_data:
 * @session: the session whose download directory holds the partial file
 * @resume_data: (transfer none): resume data that will not be used
 * @length: its length in bytes
 *
 * Removes the partial file that @resume_data refers to. Resume data keeps its partial
 * file in the download directory until a task resumes it (the task then owns the file)
 * or until this call; the library never removes it on its own, since the application may
 * store resume data across runs.
 *
 * Returns: true when the file was removed; false when the blob is unusable or the file
 *   was already gone
 * Thread: any
 */
URL_API bool url_session_discard_resume_data(UrlSession *session, const void *resume_data,
                                             size_t length);

/**
 * url_session_download_task_with_completion:
 * Returns: (transfer full) (nullable): as url_session_data_task()
 * Thread: any
 */
URL_API UrlSessionTask *url_session_download_task_with_completion(UrlSession *session,
                                                                  UrlRequest *request,
                                                                  UrlDownloadCompletion completion,
                                                                  void *user_data);

/**
 * url_session_upload_task_with_data:
 * @data: the body, copied
 *
 * An upload task sends @data as the body (the request's own body is ignored); the
 * response body arrives as for a data task. Method POST unless the request set another.
 *
 * Returns: (transfer full) (nullable): as url_session_data_task()
 * Thread: any
 */
URL_API UrlSessionTask *url_session_upload_task_with_data(UrlSession *session, UrlRequest *request,
                                                          const void *data, size_t length);

/**
 * url_session_upload_task_with_file:
 * @path: the file to send; read while sending
 *
 * Returns: (transfer full) (nullable): as url_session_data_task(); a file that cannot be
 *   read makes the task fail with URL_ERROR_FILE_DOES_NOT_EXIST or
 *   URL_ERROR_NO_PERMISSIONS_TO_READ_FILE when it starts
 * Thread: any
 */
URL_API UrlSessionTask *url_session_upload_task_with_file(UrlSession *session, UrlRequest *request,
                                                          const char *path);

/**
 * url_session_upload_task_with_stream:
 * @stream: (transfer none): the body source, see url_input_stream_new_pipe()
 * @length: the body length if known, else -1
 *
 * Returns: (transfer full) (nullable): as url_session_data_task()
 * Thread: any
 */
URL_API UrlSessionTask *url_session_upload_task_with_stream(UrlSession *session,
                                                            UrlRequest *request,
                                                            UrlInputStream *stream, int64_t length);

/**
 * url_session_upload_task_with_data_completion:
 * Like url_session_upload_task_with_data(), the response body collected for @completion.
 * Returns: (transfer full) (nullable): as url_session_data_task()
 * Thread: any
 */
URL_API UrlSessionTask *
url_session_upload_task_with_data_completion(UrlSession *session, UrlRequest *request,
                                             const void *data, size_t length,
                                             UrlDataCompletion completion, void *user_data);

/**
 * url_session_upload_task_with_file_completion:
 * Like url_session_upload_task_with_file(), the response body collected for @completion.
 * Returns: (transfer full) (nullable): as url_session_data_task()
 * Thread: any
 */
URL_API UrlSessionTask *url_session_upload_task_with_file_completion(UrlSession *session,
                                                                     UrlRequest *request,
                                                                     const char *path,
                                                                     UrlDataCompletion completion,
                                                                     void *user_data);

#ifdef __cplusplus
}
#endif

#endif
