/* task.c — UrlSessionTask as the application sees it: state changes requested from any
 * thread (handed to the network thread), progress counters, results, and waiting. */
#include "session/task.h"

#include <stdlib.h>
#include <string.h>

#include "http/network_thread.h"
#include "session/request.h"

UrlSessionTask *url__task_new(UrlSession *session, uint64_t identifier, UrlSessionTaskKind kind,
                              UrlRequest *request)
{
    UrlSessionTask *task = g_new0(UrlSessionTask, 1);
    task->ref_count = 1;
    task->session = url_session_ref(session);
    task->identifier = identifier;
    task->kind = kind;
    g_mutex_init(&task->lock);
    g_cond_init(&task->completed_cond);
    task->state = URL_TASK_STATE_SUSPENDED;
    task->suspend_count = 1;
    task->original_request = url_request_copy(request);
    task->current_request = url_request_ref(task->original_request);
    task->priority = URL_TASK_PRIORITY_DEFAULT;
    task->expected_to_receive = -1;
    task->expected_to_send = -1;
    task->client_expects_to_send = -1;
    task->client_expects_to_receive = -1;
    url__task_delivery_init(task);
    return task;
}

bool url__task_has_completion_handler(const UrlSessionTask *task)
{
    return task->data_completion != NULL || task->download_completion != NULL;
}

UrlSessionTask *url_session_task_ref(UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    g_atomic_int_inc(&task->ref_count);
    return task;
}

void url_session_task_unref(UrlSessionTask *task)
{
    if (task == NULL || !g_atomic_int_dec_and_test(&task->ref_count))
        return;
    /* The network side holds a reference while anything runs, so by now it is idle. */
    url__task_delivery_clear(task);
    url_request_unref(task->original_request);
    url_request_unref(task->current_request);
    url_response_unref(task->response);
    url_error_unref(task->error);
    url_task_metrics_unref(task->metrics);
    url__resume_data_free(task->resume_from);
    g_free(task->description);
    g_mutex_clear(&task->lock);
    g_cond_clear(&task->completed_cond);
    url_session_unref(task->session);
    g_free(task);
}

static void post_state_change(UrlSessionTask *task, UrlJobFunc job)
{
    url__network_invoke(job, url_session_task_ref(task), (GDestroyNotify)url_session_task_unref);
}

void url_session_task_resume(UrlSessionTask *task)
{
    g_return_if_fail(task != NULL);
    g_mutex_lock(&task->lock);
    bool changed = false;
    if (task->state == URL_TASK_STATE_SUSPENDED && task->suspend_count > 0) {
        task->suspend_count--;
        if (task->suspend_count == 0) {
            task->state = URL_TASK_STATE_RUNNING;
            changed = true;
        }
    }
    g_mutex_unlock(&task->lock);
    if (changed)
        post_state_change(task, url__task_net_apply_state);
}

void url_session_task_suspend(UrlSessionTask *task)
{
    g_return_if_fail(task != NULL);
    g_mutex_lock(&task->lock);
    bool changed = false;
    if (task->state == URL_TASK_STATE_RUNNING || task->state == URL_TASK_STATE_SUSPENDED) {
        changed = task->state == URL_TASK_STATE_RUNNING;
        task->suspend_count++;
        task->state = URL_TASK_STATE_SUSPENDED;
    }
    g_mutex_unlock(&task->lock);
    if (changed)
        post_state_change(task, url__task_net_apply_state);
}

void url_session_task_cancel(UrlSessionTask *task)
{
    g_return_if_fail(task != NULL);
    g_mutex_lock(&task->lock);
    bool first = !task->cancel_requested && task->state != URL_TASK_STATE_COMPLETED;
    if (first) {
        task->cancel_requested = true;
        task->state = URL_TASK_STATE_CANCELING;
    }
    g_mutex_unlock(&task->lock);
    if (first)
        post_state_change(task, url__task_net_cancel);
}

typedef struct {
    UrlResumeDataCallback callback;
    void *user_data;
} LateResumeCallback;

static void run_late_resume_callback(UrlSessionTask *task, void *payload)
{
    LateResumeCallback *late = payload;
    late->callback(task, NULL, 0, late->user_data);
}

void url_session_task_cancel_by_producing_resume_data(UrlSessionTask *task,
                                                      UrlResumeDataCallback callback,
                                                      void *user_data)
{
    g_return_if_fail(task != NULL);
    g_mutex_lock(&task->lock);
    /* The callback runs with the completion (task_delivery.c); a task that completed, or
     * was already asked, answers NULL on its own. */
    bool take = !task->completion_delivered && !task->produce_resume_data;
    if (take) {
        task->produce_resume_data = true;
        task->resume_data_callback = callback;
        task->resume_data_user_data = user_data;
    }
    g_mutex_unlock(&task->lock);
    if (!take && callback) {
        LateResumeCallback *late = g_new(LateResumeCallback, 1);
        late->callback = callback;
        late->user_data = user_data;
        url__task_post_event(task, run_late_resume_callback, late, g_free);
    }
    url_session_task_cancel(task);
}

/* Waits by running the manual queue on this thread: its callbacks can only run here.
 * Another thread may be dispatching the task's completion meanwhile, so the fd is polled
 * in short slices and completion re-checked. */
#define MANUAL_WAIT_SLICE_SECONDS 0.05

static bool wait_dispatching_manual(UrlSessionTask *task, UrlQueue *queue, gint64 deadline)
{
    for (;;) {
        g_mutex_lock(&task->lock);
        bool done = task->completion_delivered;
        g_mutex_unlock(&task->lock);
        if (done)
            return true;
        double left = deadline < 0 ? -1 : (double)(deadline - g_get_monotonic_time()) / 1e6;
        if (deadline >= 0 && left <= 0)
            return false;
        double slice =
            left < 0 || left > MANUAL_WAIT_SLICE_SECONDS ? MANUAL_WAIT_SLICE_SECONDS : left;
        if (url_queue_wait(queue, slice))
            url_queue_dispatch(queue);
    }
}

static gboolean wake_context(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Waits by iterating a GLib context this thread owns, where the callbacks run. */
static bool wait_iterating_context(UrlSessionTask *task, GMainContext *context, gint64 deadline)
{
    gboolean timed_out = FALSE;
    GSource *timeout = NULL;
    if (deadline >= 0) {
        gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
        timeout = g_timeout_source_new((guint)(left_ms > 0 ? left_ms : 0));
        g_source_set_callback(timeout, wake_context, &timed_out, NULL);
        g_source_attach(timeout, context);
    }
    bool done = false;
    while (!timed_out) {
        g_mutex_lock(&task->lock);
        done = task->completion_delivered;
        g_mutex_unlock(&task->lock);
        if (done)
            break;
        g_main_context_iteration(context, TRUE);
    }
    if (timeout) {
        g_source_destroy(timeout);
        g_source_unref(timeout);
    }
    return done;
}

bool url_session_task_wait(UrlSessionTask *task, double timeout_seconds)
{
    g_return_val_if_fail(task != NULL, false);
    gint64 deadline = timeout_seconds < 0
                          ? -1
                          : g_get_monotonic_time() + (gint64)(timeout_seconds * G_USEC_PER_SEC);
    UrlQueue *queue = task->session->queue;
    if (url__queue_is_current(queue)) {
        g_critical("url_session_task_wait called from a callback of the session's own queue: "
                   "it would wait for itself");
        return false;
    }
    switch (url__queue_get_kind(queue)) {
    case URL_QUEUE_MANUAL:
        return wait_dispatching_manual(task, queue, deadline);
    case URL_QUEUE_GLIB: {
        GMainContext *context = url__queue_get_context(queue);
        if (g_main_context_acquire(context)) {
            bool done = wait_iterating_context(task, context, deadline);
            g_main_context_release(context);
            return done;
        }
        break; /* another thread runs it: wait for the signal below */
    }
    case URL_QUEUE_SERIAL:
        break;
    }
    g_mutex_lock(&task->lock);
    while (!task->completion_delivered) {
        if (deadline < 0)
            g_cond_wait(&task->completed_cond, &task->lock);
        else if (!g_cond_wait_until(&task->completed_cond, &task->lock, deadline))
            break;
    }
    bool done = task->completion_delivered;
    g_mutex_unlock(&task->lock);
    return done;
}

UrlSessionTaskState url_session_task_get_state(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, URL_TASK_STATE_COMPLETED);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    UrlSessionTaskState state = self->state;
    g_mutex_unlock(&self->lock);
    return state;
}

UrlSessionTaskKind url_session_task_get_kind(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, URL_TASK_KIND_DATA);
    /* A data task becomes a download on the network thread (BECOME_DOWNLOAD). */
    return __atomic_load_n(&task->kind, __ATOMIC_RELAXED);
}

uint64_t url_session_task_get_identifier(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, 0);
    return task->identifier;
}

UrlSession *url_session_task_get_session(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    return task->session;
}

void url_session_task_set_description(UrlSessionTask *task, const char *description)
{
    g_return_if_fail(task != NULL);
    g_mutex_lock(&task->lock);
    g_free(task->description);
    task->description = g_strdup(description);
    g_mutex_unlock(&task->lock);
}

char *url_session_task_get_description(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    char *copy = self->description ? strdup(self->description) : NULL;
    g_mutex_unlock(&self->lock);
    return copy;
}

void url_session_task_set_priority(UrlSessionTask *task, float priority)
{
    g_return_if_fail(task != NULL);
    if (!(priority >= 0.0f && priority <= 1.0f)) {
        g_warning("urlsession: task priority %g is outside 0.0 to 1.0; ignored", priority);
        return;
    }
    g_mutex_lock(&task->lock);
    task->priority = priority;
    g_mutex_unlock(&task->lock);
}

float url_session_task_get_priority(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, URL_TASK_PRIORITY_DEFAULT);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    float priority = self->priority;
    g_mutex_unlock(&self->lock);
    return priority;
}

void url_session_task_set_earliest_begin_date(UrlSessionTask *task, double unix_time)
{
    g_return_if_fail(task != NULL);
    g_mutex_lock(&task->lock);
    task->earliest_begin_date = unix_time > 0 ? unix_time : 0;
    g_mutex_unlock(&task->lock);
}

double url_session_task_get_earliest_begin_date(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, 0);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    double date = self->earliest_begin_date;
    g_mutex_unlock(&self->lock);
    return date;
}

void url_session_task_set_count_of_bytes_client_expects_to_send(UrlSessionTask *task, int64_t bytes)
{
    g_return_if_fail(task != NULL);
    url__task_counter_set(&task->client_expects_to_send, bytes >= 0 ? bytes : -1);
}

void url_session_task_set_count_of_bytes_client_expects_to_receive(UrlSessionTask *task,
                                                                   int64_t bytes)
{
    g_return_if_fail(task != NULL);
    url__task_counter_set(&task->client_expects_to_receive, bytes >= 0 ? bytes : -1);
}

int64_t url_session_task_get_count_of_bytes_received(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, 0);
    return url__task_counter_get(&task->bytes_received);
}

int64_t url_session_task_get_count_of_bytes_sent(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, 0);
    return url__task_counter_get(&task->bytes_sent);
}

int64_t url_session_task_get_count_of_bytes_expected_to_receive(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, -1);
    gint64 expected = url__task_counter_get(&task->expected_to_receive);
    return expected >= 0 ? expected : url__task_counter_get(&task->client_expects_to_receive);
}

int64_t url_session_task_get_count_of_bytes_expected_to_send(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, -1);
    gint64 expected = url__task_counter_get(&task->expected_to_send);
    return expected >= 0 ? expected : url__task_counter_get(&task->client_expects_to_send);
}

double url_session_task_get_progress(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, -1);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    bool succeeded = self->state == URL_TASK_STATE_COMPLETED && self->error == NULL;
    g_mutex_unlock(&self->lock);
    if (succeeded)
        return 1.0;
    int64_t send_total = url_session_task_get_count_of_bytes_expected_to_send(task);
    int64_t receive_total = url_session_task_get_count_of_bytes_expected_to_receive(task);
    int64_t sent = url_session_task_get_count_of_bytes_sent(task);
    int64_t received = url_session_task_get_count_of_bytes_received(task);
    if (send_total <= 0 && receive_total < 0)
        return -1;
    double total =
        (double)(send_total > 0 ? send_total : 0) + (double)(receive_total > 0 ? receive_total : 0);
    if (total <= 0)
        return 0;
    double done = (double)(send_total > 0 ? sent : 0) + (double)(receive_total > 0 ? received : 0);
    return done >= total ? 1.0 : done / total;
}

UrlRequest *url_session_task_get_original_request(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    return url_request_ref(task->original_request);
}

UrlRequest *url_session_task_get_current_request(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    UrlRequest *request = url_request_ref(self->current_request);
    g_mutex_unlock(&self->lock);
    return request;
}

UrlResponse *url_session_task_get_response(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    UrlResponse *response = self->response ? url_response_ref(self->response) : NULL;
    g_mutex_unlock(&self->lock);
    return response;
}

UrlError *url_session_task_get_error(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    UrlError *error = self->error ? url_error_ref(self->error) : NULL;
    g_mutex_unlock(&self->lock);
    return error;
}

UrlTaskMetrics *url_session_task_get_metrics(const UrlSessionTask *task)
{
    g_return_val_if_fail(task != NULL, NULL);
    UrlSessionTask *self = (UrlSessionTask *)task;
    g_mutex_lock(&self->lock);
    UrlTaskMetrics *metrics = self->metrics ? url_task_metrics_ref(self->metrics) : NULL;
    g_mutex_unlock(&self->lock);
    return metrics;
}
