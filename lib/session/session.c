/* session.c — UrlSession: the configuration copy, the delegate, the task list and the
 * invalidation protocol. Each session owns a curl multi handle (its connection pool) on
 * the network thread. */
#include "session/session.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "http/network_thread.h"
#include "session/error.h"
#include "session/request.h"
#include "session/resume_data.h"
#include "session/task.h"
#include "session/task_resolve.h"

static void session_task_done(CURL *easy, CURLcode result, void *data)
{
    UrlTransfer *transfer = url__transfer_from_easy(easy);
    url__task_net_transfer_done(url__transfer_get_owner(transfer), transfer, result);
}

UrlMultiDriver *url__session_driver(UrlSession *session)
{
    if (session->driver == NULL)
        session->driver = url__multi_driver_new(session->configuration->max_connections_per_host,
                                                session_task_done, session);
    return session->driver;
}

void url__session_post(UrlSession *session, UrlJobFunc func, void *data, GDestroyNotify destroy)
{
    url__queue_push(session->queue, func, data, destroy);
}

UrlSession *url_session_new(const UrlSessionConfiguration *configuration,
                            const UrlSessionDelegate *delegate, void *delegate_data,
                            UrlQueue *delegate_queue)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    UrlSession *session = g_new0(UrlSession, 1);
    session->ref_count = 1;
    session->configuration = url_session_configuration_copy(configuration);
    session->credentials = url_credential_storage_new();
    if (delegate)
        session->delegate = *delegate;
    session->delegate_data = delegate_data;
    session->queue =
        delegate_queue ? url_queue_ref(delegate_queue) : url_queue_new_serial("url-delegate");
    g_mutex_init(&session->lock);
    session->tasks = g_ptr_array_new();
    url__proxy_environment_read(&session->proxy_environment);
    /* Start the network thread now, so the first task does not pay for it. */
    url__network_context();
    return session;
}

UrlSession *url_session_shared(void)
{
    static UrlSession *shared;
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        UrlSessionConfiguration *configuration = url_session_configuration_new_default();
        shared = url_session_new(configuration, NULL, NULL, NULL);
        shared->shared = true;
        url_session_configuration_unref(configuration);
        g_once_init_leave(&once, 1);
    }
    return shared;
}

UrlSession *url_session_ref(UrlSession *session)
{
    g_return_val_if_fail(session != NULL, NULL);
    g_atomic_int_inc(&session->ref_count);
    return session;
}

static void free_driver(void *data)
{
    url__multi_driver_free(data);
}

void url_session_unref(UrlSession *session)
{
    if (session == NULL || !g_atomic_int_dec_and_test(&session->ref_count))
        return;
    /* Tasks hold references, so no task is running: the pool can be closed. */
    if (session->driver)
        url__network_invoke(free_driver, session->driver, NULL);
    url__session_destinations_release(session);
    url__session_admission_release(session);
    url_session_configuration_unref(session->configuration);
    url_credential_storage_unref(session->credentials);
    if (session->trust_decisions)
        g_hash_table_unref(session->trust_decisions);
    url_queue_unref(session->queue);
    g_ptr_array_free(session->tasks, TRUE);
    g_free(session->description);
    url__proxy_environment_clear(&session->proxy_environment);
    g_mutex_clear(&session->lock);
    g_free(session);
}

UrlSessionConfiguration *url_session_get_configuration(const UrlSession *session)
{
    g_return_val_if_fail(session != NULL, NULL);
    return url_session_configuration_copy(session->configuration);
}

UrlQueue *url_session_get_delegate_queue(const UrlSession *session)
{
    g_return_val_if_fail(session != NULL, NULL);
    return session->queue;
}

void url_session_set_description(UrlSession *session, const char *description)
{
    g_return_if_fail(session != NULL);
    g_mutex_lock(&session->lock);
    g_free(session->description);
    session->description = g_strdup(description);
    g_mutex_unlock(&session->lock);
}

char *url_session_get_description(const UrlSession *session)
{
    g_return_val_if_fail(session != NULL, NULL);
    UrlSession *self = (UrlSession *)session;
    g_mutex_lock(&self->lock);
    char *copy = self->description ? strdup(self->description) : NULL;
    g_mutex_unlock(&self->lock);
    return copy;
}

UrlSessionTask **url_session_get_all_tasks(UrlSession *session, size_t *count)
{
    g_return_val_if_fail(session != NULL && count != NULL, NULL);
    g_mutex_lock(&session->lock);
    *count = session->tasks->len;
    UrlSessionTask **tasks = malloc(sizeof(UrlSessionTask *) * (session->tasks->len + 1));
    for (guint i = 0; i < session->tasks->len; i++)
        tasks[i] = url_session_task_ref(g_ptr_array_index(session->tasks, i));
    tasks[session->tasks->len] = NULL;
    g_mutex_unlock(&session->lock);
    return tasks;
}

void url_session_task_list_free(UrlSessionTask **tasks, size_t count)
{
    if (tasks == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        url_session_task_unref(tasks[i]);
    free(tasks);
}

static void notify_invalid(void *data)
{
    UrlSession *session = data;
    if (session->delegate.did_become_invalid)
        session->delegate.did_become_invalid(session, NULL, session->delegate_data);
    /* URLSession lets go of its delegate here; later callbacks cannot happen. */
    memset(&session->delegate, 0, sizeof session->delegate);
}

/* Called with the lock held. Returns true when did_become_invalid should be posted. */
static bool take_invalid_notification(UrlSession *session)
{
    if (!session->invalidated || session->invalid_notified || session->tasks->len > 0)
        return false;
    session->invalid_notified = true;
    return true;
}

static void post_invalid(UrlSession *session)
{
    url__session_post(session, notify_invalid, url_session_ref(session),
                      (GDestroyNotify)url_session_unref);
}

void url__session_task_completed(UrlSession *session, UrlSessionTask *task)
{
    g_mutex_lock(&session->lock);
    bool removed = g_ptr_array_remove(session->tasks, task);
    bool notify = take_invalid_notification(session);
    g_mutex_unlock(&session->lock);
    if (removed)
        url_session_task_unref(task);
    /* We are on the delegate queue, after the task's last callback: say it right here so
     * nothing can come between. */
    if (notify) {
        url_session_ref(session);
        notify_invalid(session);
        url_session_unref(session);
    }
}

static bool invalidate(UrlSession *session)
{
    if (session->shared)
        return false;
    g_mutex_lock(&session->lock);
    bool first = !session->invalidated;
    session->invalidated = true;
    bool notify = take_invalid_notification(session);
    g_mutex_unlock(&session->lock);
    if (notify)
        post_invalid(session);
    return first;
}

void url_session_finish_tasks_and_invalidate(UrlSession *session)
{
    g_return_if_fail(session != NULL);
    invalidate(session);
}

void url_session_invalidate_and_cancel(UrlSession *session)
{
    g_return_if_fail(session != NULL);
    if (session->shared)
        return;
    invalidate(session);
    size_t count;
    UrlSessionTask **tasks = url_session_get_all_tasks(session, &count);
    for (size_t i = 0; i < count; i++)
        url_session_task_cancel(tasks[i]);
    url_session_task_list_free(tasks, count);
}

bool url_session_is_invalidated(const UrlSession *session)
{
    g_return_val_if_fail(session != NULL, false);
    UrlSession *self = (UrlSession *)session;
    g_mutex_lock(&self->lock);
    bool invalidated = self->invalidated;
    g_mutex_unlock(&self->lock);
    return invalidated;
}

/* Every task constructor ends here: refused once invalidated, else registered. */
static UrlSessionTask *make_task(UrlSession *session, UrlSessionTaskKind kind, UrlRequest *request)
{
    g_return_val_if_fail(session != NULL && request != NULL, NULL);
    g_mutex_lock(&session->lock);
    if (session->invalidated) {
        g_mutex_unlock(&session->lock);
        g_warning("urlsession: task created on an invalidated session; returning NULL");
        return NULL;
    }
    uint64_t identifier = ++session->next_identifier;
    UrlSessionTask *task = url__task_new(session, identifier, kind, request);
    g_ptr_array_add(session->tasks, url_session_task_ref(task));
    g_mutex_unlock(&session->lock);
    return task;
}

/* Upload tasks send their own body; a GET request becomes POST as URLSession does. */
static UrlRequest *upload_request(UrlRequest *request)
{
    UrlRequest *copy = url_request_copy(request);
    if (strcmp(copy->method, "GET") == 0)
        url_request_set_method(copy, "POST", NULL);
    return copy;
}

UrlSessionTask *url_session_data_task(UrlSession *session, UrlRequest *request)
{
    return make_task(session, URL_TASK_KIND_DATA, request);
}

UrlSessionTask *url_session_data_task_with_completion(UrlSession *session, UrlRequest *request,
                                                      UrlDataCompletion completion, void *user_data)
{
    g_return_val_if_fail(completion != NULL, NULL);
    UrlSessionTask *task = make_task(session, URL_TASK_KIND_DATA, request);
    if (task) {
        task->data_completion = completion;
        task->completion_data = user_data;
    }
    return task;
}

UrlSessionTask *url_session_download_task(UrlSession *session, UrlRequest *request)
{
    return make_task(session, URL_TASK_KIND_DOWNLOAD, request);
}

UrlSessionTask *url_session_download_task_with_resume_data(UrlSession *session,
                                                           const void *resume_data, size_t length,
                                                           UrlError **error)
{
    g_return_val_if_fail(session != NULL, NULL);
    UrlResumeData *resume = url__resume_data_decode(
        resume_data, length, session->configuration->download_directory, error);
    if (resume == NULL)
        return NULL;
    UrlRequest *request = url_request_new(resume->url);
    if (request == NULL) {
        url__error_set(error, URL_ERROR_CANNOT_DECODE_RAW_DATA,
                       "unusable resume data: its URL is refused");
        url__resume_data_free(resume);
        return NULL;
    }
    /* A partial file that is gone or shorter than recorded cannot be continued: the
     * download starts again from 0 (in a file of the same name). */
    GStatBuf st;
    if (g_stat(resume->path, &st) != 0 || (int64_t)st.st_size < resume->offset)
        resume->offset = 0;
    UrlSessionTask *task = make_task(session, URL_TASK_KIND_DOWNLOAD, request);
    url_request_unref(request);
    if (task == NULL) {
        url__resume_data_free(resume);
        return NULL;
    }
    task->resume_from = resume;
    return task;
}

bool url_session_discard_resume_data(UrlSession *session, const void *resume_data, size_t length)
{
    g_return_val_if_fail(session != NULL, false);
    UrlResumeData *resume = url__resume_data_decode(
        resume_data, length, session->configuration->download_directory, NULL);
    if (resume == NULL)
        return false;
    bool removed = g_unlink(resume->path) == 0;
    url__resume_data_free(resume);
    return removed;
}

UrlSessionTask *url_session_download_task_with_completion(UrlSession *session, UrlRequest *request,
                                                          UrlDownloadCompletion completion,
                                                          void *user_data)
{
    g_return_val_if_fail(completion != NULL, NULL);
    UrlSessionTask *task = make_task(session, URL_TASK_KIND_DOWNLOAD, request);
    if (task) {
        task->download_completion = completion;
        task->completion_data = user_data;
    }
    return task;
}

static UrlSessionTask *upload_with_body(UrlSession *session, UrlRequest *request,
                                        UrlRequestBodyKind kind, const void *data, size_t length,
                                        const char *path, UrlInputStream *stream,
                                        UrlDataCompletion completion, void *user_data)
{
    g_return_val_if_fail(session != NULL && request != NULL, NULL);
    UrlRequest *copy = upload_request(request);
    switch (kind) {
    case URL_REQUEST_BODY_DATA:
        url_request_set_body_data(copy, data, length);
        break;
    case URL_REQUEST_BODY_FILE:
        /* Checked again when the task starts: the file may appear or vanish meanwhile. */
        g_free(copy->body_file);
        g_bytes_unref(copy->body_data);
        copy->body_data = NULL;
        url_input_stream_unref(copy->body_stream);
        copy->body_stream = NULL;
        copy->body_kind = URL_REQUEST_BODY_FILE;
        copy->body_file = g_strdup(path);
        break;
    case URL_REQUEST_BODY_STREAM:
        url_request_set_body_stream(copy, stream, (int64_t)length);
        break;
    case URL_REQUEST_BODY_NONE:
        break;
    }
    UrlSessionTask *task = make_task(session, URL_TASK_KIND_UPLOAD, copy);
    url_request_unref(copy);
    if (task && completion) {
        task->data_completion = completion;
        task->completion_data = user_data;
    }
    return task;
}

UrlSessionTask *url_session_upload_task_with_data(UrlSession *session, UrlRequest *request,
                                                  const void *data, size_t length)
{
    return upload_with_body(session, request, URL_REQUEST_BODY_DATA, data, length, NULL, NULL, NULL,
                            NULL);
}

UrlSessionTask *url_session_upload_task_with_file(UrlSession *session, UrlRequest *request,
                                                  const char *path)
{
    g_return_val_if_fail(path != NULL, NULL);
    return upload_with_body(session, request, URL_REQUEST_BODY_FILE, NULL, 0, path, NULL, NULL,
                            NULL);
}

UrlSessionTask *url_session_upload_task_with_stream(UrlSession *session, UrlRequest *request,
                                                    UrlInputStream *stream, int64_t length)
{
    g_return_val_if_fail(stream != NULL, NULL);
    return upload_with_body(session, request, URL_REQUEST_BODY_STREAM, NULL, (size_t)length, NULL,
                            stream, NULL, NULL);
}

UrlSessionTask *url_session_upload_task_with_data_completion(UrlSession *session,
                                                             UrlRequest *request, const void *data,
                                                             size_t length,
                                                             UrlDataCompletion completion,
                                                             void *user_data)
{
    g_return_val_if_fail(completion != NULL, NULL);
    return upload_with_body(session, request, URL_REQUEST_BODY_DATA, data, length, NULL, NULL,
                            completion, user_data);
}

UrlSessionTask *url_session_upload_task_with_file_completion(UrlSession *session,
                                                             UrlRequest *request, const char *path,
                                                             UrlDataCompletion completion,
                                                             void *user_data)
{
    g_return_val_if_fail(completion != NULL && path != NULL, NULL);
    return upload_with_body(session, request, URL_REQUEST_BODY_FILE, NULL, 0, path, NULL,
                            completion, user_data);
}
