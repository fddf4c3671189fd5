/* task_delivery.c — moving a task's body from the network thread to its consumer: the
 * delegate (data tasks), a temporary file written on the file I/O thread (downloads), or
 * a buffer for a completion handler; and the task's one completion event.
 *
 * Bytes in flight are counted; past the configured limit the network thread pauses the
 * transfer, and the consumer wakes it once it has drained half. Everything for a task
 * reaches the delegate queue in the order it was produced, the completion last. */
#include "session/task.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "http/network_thread.h"
#include "session/error.h"
#include "session/request.h"

/* One allocation per event: the queue links the event itself. */
typedef struct {
    UrlJob job;
    UrlSessionTask *task;
    UrlTaskEventFunc run;
    void *payload;
    GDestroyNotify free_payload;
    bool data_first; /* deliver the task's pending data, then run */
} TaskEvent;

static void deliver_data(UrlSessionTask *task, void *unused);

static void task_event_run(UrlJob *job)
{
    TaskEvent *event = (TaskEvent *)job;
    if (event->data_first)
        deliver_data(event->task, NULL);
    event->run(event->task, event->payload);
}

static void task_event_free(UrlJob *job)
{
    TaskEvent *event = (TaskEvent *)job;
    if (event->free_payload)
        event->free_payload(event->payload);
    url_session_task_unref(event->task);
    g_free(event);
}

static void post_event(UrlSessionTask *task, UrlTaskEventFunc run, void *payload,
                       GDestroyNotify free_payload, bool data_first)
{
    TaskEvent *event = g_new(TaskEvent, 1);
    event->job.run = task_event_run;
    event->job.free = task_event_free;
    event->task = url_session_task_ref(task);
    event->run = run;
    event->payload = payload;
    event->free_payload = free_payload;
    event->data_first = data_first;
    url__queue_push_job(task->session->queue, &event->job);
}

/* Takes the data delivery that waits for the end of the loop iteration, if any. */
static bool take_deferred(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    g_mutex_lock(&d->lock);
    bool deferred = d->deferred;
    d->deferred = false;
    g_mutex_unlock(&d->lock);
    return deferred;
}

static void flush_job(void *data)
{
    UrlSessionTask *task = data;
    if (take_deferred(task))
        post_event(task, deliver_data, NULL, NULL, false);
}

void url__task_post_event(UrlSessionTask *task, UrlTaskEventFunc run, void *payload,
                          GDestroyNotify free_payload)
{
    /* Data produced before this event is delivered before it, in the same job: a small
     * body and its completion reach the delegate queue in one push. */
    post_event(task, run, payload, free_payload, take_deferred(task));
}

/* One thread for every download file in the process: writes stay in order per task, and
 * a slow disk never stalls the network thread. */
static GThreadPool *file_io_pool(void);

typedef void (*FileJobFunc)(UrlSessionTask *task);

typedef struct {
    UrlSessionTask *task;
    FileJobFunc func;
} FileJob;

static void file_job_run(gpointer data, gpointer unused)
{
    FileJob *job = data;
    job->func(job->task);
    url_session_task_unref(job->task);
    g_free(job);
}

static GThreadPool *file_io_pool(void)
{
    static GThreadPool *pool;
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        pool = g_thread_pool_new(file_job_run, NULL, 1, FALSE, NULL);
        g_once_init_leave(&once, 1);
    }
    return pool;
}

static void file_io_push(UrlSessionTask *task, FileJobFunc func)
{
    FileJob *job = g_new(FileJob, 1);
    job->task = url_session_task_ref(task);
    job->func = func;
    g_thread_pool_push(file_io_pool(), job, NULL);
}

void url__task_delivery_init(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    g_mutex_init(&d->lock);
    /* pending is made by the first push: a task whose body goes to a completion handler
     * (or that has none) never needs it. */
    d->limit = task->session->configuration->max_buffered_bytes;
    d->fd = -1;
}

void url__task_delivery_clear(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    if (d->pending)
        g_byte_array_unref(d->pending);
    if (d->spare)
        g_byte_array_unref(d->spare);
    if (d->collected)
        g_byte_array_unref(d->collected);
    if (d->fd >= 0)
        close(d->fd);
    if (d->path)
        g_unlink(d->path);
    g_free(d->path);
    g_free(d->resume_path);
    g_mutex_clear(&d->lock);
}

static bool cancel_requested(UrlSessionTask *task)
{
    g_mutex_lock(&task->lock);
    bool cancelled = task->cancel_requested;
    g_mutex_unlock(&task->lock);
    return cancelled;
}

/* The consumer took @length bytes: wake a transfer paused for room once half is free. */
static void consumed(UrlSessionTask *task, size_t length)
{
    UrlTaskDelivery *d = &task->delivery;
    g_mutex_lock(&d->lock);
    d->buffered -= length;
    bool wake = d->drain_wanted && d->buffered <= d->limit / 2;
    if (wake)
        d->drain_wanted = false;
    g_mutex_unlock(&d->lock);
    if (wake)
        url__network_invoke(url__task_net_drained, url_session_task_ref(task),
                            (GDestroyNotify)url_session_task_unref);
}

static GByteArray *take_pending(UrlTaskDelivery *d)
{
    g_mutex_lock(&d->lock);
    /* A delivery follows a push, so pending exists; the next push makes or reuses one. */
    GByteArray *chunk = d->pending ? d->pending : g_byte_array_new();
    d->pending = d->spare;
    d->spare = NULL;
    d->scheduled = false;
    g_mutex_unlock(&d->lock);
    return chunk;
}

/* The consumer is done with @chunk: it becomes the spare, emptied, with its capacity, so
 * that a stream stops growing (and copying, realloc by realloc) its arrays once they
 * reach their working size. Pending data stays under the limit plus a chunk or two; an
 * array above twice the limit (forced pushes) is freed rather than kept. */
static void give_back(UrlTaskDelivery *d, GByteArray *chunk)
{
    bool keep = chunk->len <= 2 * d->limit;
    g_byte_array_set_size(chunk, 0);
    g_mutex_lock(&d->lock);
    if (keep && d->spare == NULL) {
        d->spare = chunk;
        chunk = NULL;
    }
    g_mutex_unlock(&d->lock);
    if (chunk)
        g_byte_array_unref(chunk);
}

static void deliver_data(UrlSessionTask *task, void *unused)
{
    GByteArray *chunk = take_pending(&task->delivery);
    const UrlSessionDelegate *delegate = &task->session->delegate;
    /* After cancel() no more data is delivered, even what was already on its way. */
    if (chunk->len > 0 && delegate->data_did_receive_data && !cancel_requested(task))
        delegate->data_did_receive_data(task->session, task, chunk->data, chunk->len,
                                        task->session->delegate_data);
    consumed(task, chunk->len);
    give_back(&task->delivery, chunk);
}

/* ---- download files (file I/O thread) ---------------------------------------------- */

static UrlErrorCode open_temp_file(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    char *template = g_build_filename(task->session->configuration->download_directory,
                                      "urlsession-XXXXXX.download", NULL);
    d->fd = g_mkstemp_full(template, O_RDWR | O_CLOEXEC, 0666);
    if (d->fd < 0) {
        d->write_errno = errno;
        d->file_failure = URL_ERROR_CANNOT_CREATE_FILE;
        g_free(template);
        return d->file_failure;
    }
    d->path = template;
    return 0;
}

/* The file the body goes to: for a resumed download its partial file, cut to where the
 * body continues (0 when it starts again); otherwise a new temporary file. */
static UrlErrorCode open_download_file(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    if (d->resume_path == NULL)
        return open_temp_file(task);
    int fd = open(d->resume_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0 || ftruncate(fd, d->resume_offset) != 0 ||
        lseek(fd, 0, SEEK_END) != (off_t)d->resume_offset) {
        d->write_errno = errno;
        d->file_failure = URL_ERROR_CANNOT_OPEN_FILE;
        if (fd >= 0)
            close(fd);
        return d->file_failure;
    }
    d->fd = fd;
    d->path = g_steal_pointer(&d->resume_path);
    d->written = d->resume_offset;
    return 0;
}

/* Resume data for a download that stopped in mid-body, or NULL: it needs a GET whose
 * response (200 or 206) had a validator, bytes in the file, and either a cancel that asked
 * for resume data or a failure of the connection. Called with task->lock held. */
static GBytes *resume_data_for(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    UrlErrorCode code = task->error ? url_error_get_code(task->error) : 0;
    bool wanted = task->produce_resume_data || code == URL_ERROR_NETWORK_CONNECTION_LOST ||
                  code == URL_ERROR_TIMED_OUT;
    if (!wanted || d->path == NULL || d->written <= 0 || d->file_failure != 0 ||
        task->response == NULL || strcmp(task->current_request->method, "GET") != 0)
        return NULL;
    int status = url_response_get_status_code(task->response);
    const char *etag = url_response_get_header(task->response, "ETag");
    const char *last_modified = url_response_get_header(task->response, "Last-Modified");
    if ((status != 200 && status != 206) || (etag == NULL && last_modified == NULL))
        return NULL;
    UrlResumeData resume = {
        .url = task->current_request->url,
        .path = d->path,
        .offset = d->written,
        .etag = (char *)etag,
        .last_modified = (char *)last_modified,
    };
    return url__resume_data_encode(&resume);
}

static bool write_all(int fd, const guint8 *data, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        length -= (size_t)n;
    }
    return true;
}

typedef struct {
    int64_t bytes, total, expected;
} WriteEvent;

static void run_write_event(UrlSessionTask *task, void *payload)
{
    WriteEvent *event = payload;
    const UrlSessionDelegate *delegate = &task->session->delegate;
    if (delegate->download_did_write_data && !cancel_requested(task))
        delegate->download_did_write_data(task->session, task, event->bytes, event->total,
                                          event->expected, task->session->delegate_data);
}

typedef struct {
    UrlSessionTask *task;
    UrlError *error;
} FailJob;

static void fail_job_run(void *data)
{
    FailJob *job = data;
    url__task_net_fail(job->task, job->error);
    job->error = NULL;
}

static void fail_job_free(void *data)
{
    FailJob *job = data;
    url_error_unref(job->error);
    url_session_task_unref(job->task);
    g_free(job);
}

static UrlError *file_error(UrlSessionTask *task, UrlErrorCode code)
{
    UrlTaskDelivery *d = &task->delivery;
    return url__error_newf(code, task->original_request->url, "%s in \"%s\": %s",
                           code == URL_ERROR_CANNOT_CREATE_FILE ? "cannot create the download file"
                                                                : "cannot write the download file",
                           task->session->configuration->download_directory,
                           g_strerror(d->write_errno));
}

static void write_pending(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    GByteArray *chunk = take_pending(d);
    if (d->file_failure == 0 && chunk->len > 0) {
        UrlErrorCode failure = d->fd < 0 ? open_download_file(task) : 0;
        if (failure == 0 && !write_all(d->fd, chunk->data, chunk->len)) {
            d->write_errno = errno;
            failure = d->file_failure = URL_ERROR_CANNOT_WRITE_TO_FILE;
        }
        if (failure) {
            FailJob *job = g_new(FailJob, 1);
            job->task = url_session_task_ref(task);
            job->error = file_error(task, failure);
            url__network_invoke(fail_job_run, job, fail_job_free);
        } else {
            d->written += chunk->len;
            if (!url__task_has_completion_handler(task)) {
                WriteEvent *event = g_new(WriteEvent, 1);
                event->bytes = chunk->len;
                event->total = d->written;
                event->expected = url_session_task_get_count_of_bytes_expected_to_receive(task);
                url__task_post_event(task, run_write_event, event, g_free);
            }
        }
    }
    consumed(task, chunk->len);
    give_back(d, chunk);
}

bool url__task_delivery_push(UrlSessionTask *task, const void *data, size_t length, bool force)
{
    UrlTaskDelivery *d = &task->delivery;
    if (task->data_completion) {
        /* The application asked for the whole body at once: it is all kept. */
        if (d->collected == NULL)
            d->collected = g_byte_array_new();
        g_byte_array_append(d->collected, data, (guint)length);
        return true;
    }
    g_mutex_lock(&d->lock);
    if (!force && d->buffered >= d->limit) {
        d->drain_wanted = true;
        g_mutex_unlock(&d->lock);
        return false;
    }
    if (d->pending == NULL)
        d->pending = g_byte_array_new();
    g_byte_array_append(d->pending, data, (guint)length);
    d->buffered += length;
    bool schedule = !d->scheduled;
    d->scheduled = true;
    bool download = task->kind == URL_TASK_KIND_DOWNLOAD;
    d->deferred = d->deferred || (schedule && !download);
    g_mutex_unlock(&d->lock);
    if (schedule) {
        /* A delegate's data waits for the rest of this loop iteration: curl hands an
         * HTTP/2 read over in 16 KiB frames, and one event (one wakeup of the delegate
         * queue) for all of them costs less than one each. */
        if (download)
            file_io_push(task, write_pending);
        else
            url__network_invoke(flush_job, url_session_task_ref(task),
                                (GDestroyNotify)url_session_task_unref);
    }
    return true;
}

/* ---- completion ------------------------------------------------------------------- */

static void run_completion(UrlSessionTask *task, void *unused)
{
    UrlSession *session = task->session;
    const UrlSessionDelegate *delegate = &session->delegate;
    UrlTaskDelivery *d = &task->delivery;
    g_mutex_lock(&task->lock);
    /* A cancel made while the finished task's last events were on their way still wins:
     * the application had not seen it complete. */
    if (task->cancel_requested && task->error == NULL)
        task->error =
            url__error_newf(URL_ERROR_CANCELLED, task->original_request->url, "cancelled");
    task->state = URL_TASK_STATE_COMPLETED;
    UrlError *error = task->error ? url_error_ref(task->error) : NULL;
    UrlResponse *response = task->response ? url_response_ref(task->response) : NULL;
    UrlTaskMetrics *metrics = task->metrics ? url_task_metrics_ref(task->metrics) : NULL;
    UrlResumeDataCallback resume_callback = task->resume_data_callback;
    task->resume_data_callback = NULL;
    g_mutex_unlock(&task->lock);

    if (resume_callback) {
        size_t resume_length = 0;
        const void *resume_data = error ? url_error_get_resume_data(error, &resume_length) : NULL;
        resume_callback(task, resume_data, resume_length, task->resume_data_user_data);
    }

    const char *location = error == NULL ? d->path : NULL;
    if (location && !task->download_completion && delegate->download_did_finish_downloading_to)
        delegate->download_did_finish_downloading_to(session, task, location,
                                                     session->delegate_data);
    if (metrics && delegate->did_finish_collecting_metrics)
        delegate->did_finish_collecting_metrics(session, task, metrics, session->delegate_data);
    if (task->download_completion) {
        task->download_completion(task, location, response, error, task->completion_data);
    } else if (task->data_completion) {
        task->data_completion(task, d->collected ? d->collected->data : NULL,
                              d->collected ? d->collected->len : 0, response, error,
                              task->completion_data);
    } else if (delegate->did_complete) {
        delegate->did_complete(session, task, error, session->delegate_data);
    }
    /* The file was the application's to move during the call; whatever is left goes. */
    if (d->path) {
        g_unlink(d->path);
        g_clear_pointer(&d->path, g_free);
    }
    url_error_unref(error);
    url_response_unref(response);
    url_task_metrics_unref(metrics);

    g_mutex_lock(&task->lock);
    task->completion_delivered = true;
    g_cond_broadcast(&task->completed_cond);
    g_mutex_unlock(&task->lock);
    url__session_task_completed(session, task);
}

/* After the last write: close the file; a download that failed, or whose file could not
 * be written, leaves nothing behind. */
static void finalize_download(UrlSessionTask *task)
{
    UrlTaskDelivery *d = &task->delivery;
    g_mutex_lock(&task->lock);
    bool failed = task->error != NULL;
    g_mutex_unlock(&task->lock);
    if (!failed && d->file_failure == 0 && d->fd < 0)
        open_download_file(task); /* an empty body is still a file */
    if (d->fd >= 0) {
        if (close(d->fd) != 0 && d->file_failure == 0) {
            d->write_errno = errno;
            d->file_failure = URL_ERROR_CANNOT_WRITE_TO_FILE;
        }
        d->fd = -1;
    }
    UrlErrorCode failure = d->file_failure;
    if (failure && !failed) {
        UrlError *error = file_error(task, failure);
        g_mutex_lock(&task->lock);
        task->error = error;
        g_mutex_unlock(&task->lock);
        failed = true;
    }
    if (failed) {
        /* A resumable download keeps its partial file; the resume data names it. */
        g_mutex_lock(&task->lock);
        GBytes *resume_data = resume_data_for(task);
        if (resume_data) {
            UrlError *with_data = url__error_with_resume_data(task->error, resume_data);
            url_error_unref(task->error);
            task->error = with_data;
            g_bytes_unref(resume_data);
            g_clear_pointer(&d->path, g_free);
        }
        g_mutex_unlock(&task->lock);
    }
    if (failed && d->path) {
        g_unlink(d->path);
        g_clear_pointer(&d->path, g_free);
    }
    url__task_post_event(task, run_completion, NULL, NULL);
}

void url__task_delivery_complete(UrlSessionTask *task)
{
    if (task->kind == URL_TASK_KIND_DOWNLOAD)
        file_io_push(task, finalize_download);
    else
        url__task_post_event(task, run_completion, NULL, NULL);
}
