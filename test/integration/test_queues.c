/* test_queues.c — the same data task delivered on each kind of delegate queue: the serial
 * queue's own thread, a manual queue dispatched by the test thread, a GLib main context
 * iterated by the test thread or by a thread of its own. */
#include "fixture.h"

#include <poll.h>
#include <urlsession/glib.h>

#define PATH "/files/1m.bin"

/* Checks the one task @rec saw: order, body, and that no two callbacks overlapped. */
static void assert_delivered(ItRecorder *rec, UrlSessionTask *task)
{
    ItTaskLog *log = it_recorder_get(rec, task);
    g_assert_nonnull(log);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 1);
    g_assert_cmpuint(log->body_length, ==, 1048576);
    g_autofree char *want = it_sha256_www("1m.bin");
    g_assert_cmpstr(g_checksum_get_string(log->body_sha256), ==, want);
    g_assert_cmpuint(rec->overlapping_calls, ==, 0);
}

static UrlSession *session_on(ItProto proto, ItRecorder *rec, UrlQueue *queue)
{
    UrlSessionConfiguration *config = it_configuration_new(proto);
    UrlSession *session = url_session_new(config, it_recorder_delegate(), rec, queue);
    url_session_configuration_unref(config);
    return session;
}

static void test_serial_default(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = session_on(proto, rec, NULL);
    UrlQueue *queue = url_session_get_delegate_queue(session);
    g_assert_nonnull(queue);
    g_assert_cmpint(url_queue_get_fd(queue), ==, -1);
    g_autofree char *url = it_url(proto, PATH);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 60);
    it_session_finish(session, rec);

    assert_delivered(rec, task);
    /* One thread of the queue's own ran everything, did_become_invalid included. */
    g_assert_nonnull(rec->first_thread);
    g_assert_true(rec->first_thread != g_thread_self());
    g_assert_cmpuint(rec->other_thread_calls, ==, 0);
    url_session_task_unref(task);
    url_request_unref(request);
    it_recorder_free(rec);
}

/* Two sessions on one explicit serial queue: one thread runs both sessions' callbacks. */
static void test_serial_shared(void)
{
    UrlQueue *queue = url_queue_new_serial("it-serial");
    g_assert_cmpint(url_queue_get_fd(queue), ==, -1);
    ItRecorder *rec_a = it_recorder_new();
    ItRecorder *rec_b = it_recorder_new();
    UrlSession *a = session_on(IT_HTTP, rec_a, queue);
    UrlSession *b = session_on(IT_HTTP, rec_b, queue);
    g_assert_true(url_session_get_delegate_queue(a) == queue);
    g_assert_true(url_session_get_delegate_queue(b) == queue);
    g_autofree char *url = it_url(IT_HTTP, PATH);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *ta = url_session_data_task(a, request);
    UrlSessionTask *tb = url_session_data_task(b, request);
    url_session_task_resume(ta);
    url_session_task_resume(tb);
    g_assert_true(url_session_task_wait(ta, 60));
    g_assert_true(url_session_task_wait(tb, 60));
    it_session_finish(a, rec_a);
    it_session_finish(b, rec_b);
    assert_delivered(rec_a, ta);
    assert_delivered(rec_b, tb);
    g_assert_true(rec_a->first_thread != g_thread_self());
    g_assert_true(rec_a->first_thread == rec_b->first_thread);
    g_assert_cmpuint(rec_a->other_thread_calls, ==, 0);
    g_assert_cmpuint(rec_b->other_thread_calls, ==, 0);
    url_session_task_unref(ta);
    url_session_task_unref(tb);
    url_request_unref(request);
    url_queue_unref(queue);
    it_recorder_free(rec_a);
    it_recorder_free(rec_b);
}

static void test_manual(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlQueue *queue = url_queue_new_manual();
    int fd = url_queue_get_fd(queue);
    g_assert_cmpint(fd, >=, 0);
    ItRecorder *rec = it_recorder_new();
    rec->manual_queue = queue;
    rec->expected_thread = g_thread_self();
    UrlSession *session = session_on(proto, rec, queue);
    g_autofree char *url = it_url(proto, PATH);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    url_session_task_resume(task);

    /* Nothing runs until the test dispatches; the fd says when there is work. */
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    g_assert_cmpint(poll(&pfd, 1, 10000), ==, 1);
    g_assert_true(pfd.revents & POLLIN);
    g_usleep(200 * 1000);
    g_mutex_lock(&rec->lock);
    guint64 seen = rec->seq;
    g_mutex_unlock(&rec->lock);
    g_assert_cmpuint(seen, ==, 0);

    /* Drive it as an event loop would: poll, dispatch. */
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    size_t dispatched = 0;
    while (rec->completed == 0 && g_get_monotonic_time() < deadline) {
        pfd.revents = 0;
        if (poll(&pfd, 1, 100) > 0) {
            dispatched += url_queue_dispatch(queue);
        }
    }
    g_assert_cmpuint(rec->completed, ==, 1);
    guint64 callbacks_run = rec->seq;
    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_COMPLETED);
    /* With nothing pending the fd is quiet. */
    url_queue_dispatch(queue);
    pfd.revents = 0;
    g_assert_cmpint(poll(&pfd, 1, 0), ==, 0);
    assert_delivered(rec, task);

    /* url_session_task_wait dispatches a manual queue on the calling thread. */
    UrlSessionTask *second = url_session_data_task(session, request);
    url_session_task_resume(second);
    g_assert_true(url_session_task_wait(second, 60));
    ItTaskLog *log = it_recorder_get(rec, second);
    g_assert_nonnull(log);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->body_length, ==, 1048576);

    it_session_finish(session, rec);
    g_assert_cmpuint(rec->wrong_thread_calls, ==, 0);
    g_assert_cmpuint(rec->invalid_count, ==, 1);
    /* url_queue_dispatch counts the jobs it ran; a job makes one or more delegate calls. */
    g_assert_cmpuint(dispatched, >=, 1);
    g_assert_cmpuint(dispatched, <=, callbacks_run);
    url_session_task_unref(task);
    url_session_task_unref(second);
    url_request_unref(request);
    url_queue_unref(queue);
    it_recorder_free(rec);
}

static void test_glib_test_thread(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    GMainContext *context = g_main_context_new();
    UrlQueue *queue = url_queue_new_glib(context);
    g_assert_cmpint(url_queue_get_fd(queue), ==, -1);
    ItRecorder *rec = it_recorder_new();
    rec->context = context;
    rec->expected_thread = g_thread_self();
    UrlSession *session = session_on(proto, rec, queue);
    g_autofree char *url = it_url(proto, PATH);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    url_session_task_resume(task);

    /* Until the context is iterated, no callback runs. */
    g_usleep(300 * 1000);
    g_mutex_lock(&rec->lock);
    guint64 seen = rec->seq;
    g_mutex_unlock(&rec->lock);
    g_assert_cmpuint(seen, ==, 0);
    g_assert_true(it_recorder_wait_completed(rec, 1, 60));
    assert_delivered(rec, task);

    /* url_session_task_wait iterates a context the caller owns. */
    g_assert_true(g_main_context_acquire(context));
    UrlSessionTask *second = url_session_data_task(session, request);
    url_session_task_resume(second);
    g_assert_true(url_session_task_wait(second, 60));
    g_main_context_release(context);
    ItTaskLog *log = it_recorder_get(rec, second);
    g_assert_nonnull(log);
    it_assert_no_error(log->error);

    it_session_finish(session, rec);
    g_assert_cmpuint(rec->wrong_thread_calls, ==, 0);
    url_session_task_unref(task);
    url_session_task_unref(second);
    url_request_unref(request);
    url_queue_unref(queue);
    g_main_context_unref(context);
    it_recorder_free(rec);
}

typedef struct {
    GMainContext *context;
    GMainLoop *loop;
    GThread *thread;
    GMutex lock;
    GCond cond;
    gboolean running;
} LoopThread;

static gboolean signal_running(gpointer p)
{
    LoopThread *t = p;
    g_mutex_lock(&t->lock);
    t->running = TRUE;
    g_cond_signal(&t->cond);
    g_mutex_unlock(&t->lock);
    return G_SOURCE_REMOVE;
}

static gpointer run_loop(gpointer p)
{
    LoopThread *t = p;
    g_main_context_push_thread_default(t->context);
    g_main_loop_run(t->loop);
    g_main_context_pop_thread_default(t->context);
    return NULL;
}

static gboolean quit_loop(gpointer p)
{
    g_main_loop_quit(p);
    return G_SOURCE_REMOVE;
}

static void test_glib_other_thread(void)
{
    LoopThread t = {0};
    g_mutex_init(&t.lock);
    g_cond_init(&t.cond);
    t.context = g_main_context_new();
    t.loop = g_main_loop_new(t.context, FALSE);
    GSource *started = g_idle_source_new();
    g_source_set_callback(started, signal_running, &t, NULL);
    g_source_attach(started, t.context);
    g_source_unref(started);
    t.thread = g_thread_new("it-glib-loop", run_loop, &t);
    /* Wait until the thread runs the loop (and so holds the context), so that the task
     * cannot start before the context has its owner. */
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    g_mutex_lock(&t.lock);
    while (!t.running && g_cond_wait_until(&t.cond, &t.lock, deadline)) {
    }
    gboolean running = t.running;
    g_mutex_unlock(&t.lock);
    g_assert_true(running);
    UrlQueue *queue = url_queue_new_glib(t.context);
    ItRecorder *rec = it_recorder_new();
    rec->expected_thread = t.thread;
    UrlSession *session = session_on(IT_HTTPS, rec, queue);
    g_autofree char *url = it_url(IT_HTTPS, PATH);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 60);
    it_session_finish(session, rec);
    assert_delivered(rec, task);
    g_assert_cmpuint(rec->wrong_thread_calls, ==, 0);
    g_assert_true(rec->first_thread == t.thread);

    GSource *quit = g_idle_source_new();
    g_source_set_callback(quit, quit_loop, t.loop, NULL);
    g_source_attach(quit, t.context);
    g_source_unref(quit);
    g_thread_join(t.thread);
    url_session_task_unref(task);
    url_request_unref(request);
    url_queue_unref(queue);
    g_main_loop_unref(t.loop);
    g_main_context_unref(t.context);
    g_mutex_clear(&t.lock);
    g_cond_clear(&t.cond);
    it_recorder_free(rec);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_autofree char *a = g_strdup_printf("/queues/serial-default/%s", it_proto_name(p));
        it_add_data(a, GINT_TO_POINTER(p), test_serial_default);
        g_autofree char *b = g_strdup_printf("/queues/manual/%s", it_proto_name(p));
        it_add_data(b, GINT_TO_POINTER(p), test_manual);
        g_autofree char *c = g_strdup_printf("/queues/glib-test-thread/%s", it_proto_name(p));
        it_add_data(c, GINT_TO_POINTER(p), test_glib_test_thread);
    }
    it_add("/queues/serial-shared", test_serial_shared);
    it_add("/queues/glib-other-thread", test_glib_other_thread);
    return it_run();
}
