/* test_threads.c — the threading contract under load, meant for ThreadSanitizer
 * (build-tsan/, see doc/reliability.md) as much as for the ordinary build: many sessions
 * at once on each kind of delegate queue, tasks cancelled from other threads while they
 * run, and sessions released and invalidated from inside their own callbacks. Every task
 * completes exactly once and every session becomes invalid exactly once. */
#include "faulty.h"

#include <glib/gstdio.h>
#include <urlsession/glib.h>

#define SESSIONS_PER_KIND 3
#define TASKS_PER_SESSION 24
#define CANCELLER_THREADS 3
#define QUEUE_KINDS       3

typedef enum { KIND_SERIAL, KIND_MANUAL, KIND_GLIB } QueueKind;

typedef struct {
    GMutex lock;
    GHashTable *completions; /* task identifier -> did_complete calls */
    guint completed, cancelled_errors, invalidated, data_calls;
    gboolean release_in_callback; /* the last did_complete drops the session */
    UrlSession *owned;            /* the reference that callback drops */
    guint expected;
} Tally;

static void on_data(UrlSession *session, UrlSessionTask *task, const void *data, size_t length,
                    void *user)
{
    Tally *tally = user;
    g_mutex_lock(&tally->lock);
    tally->data_calls++;
    g_mutex_unlock(&tally->lock);
}

static void on_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                        void *user)
{
    Tally *tally = user;
    guint64 id = url_session_task_get_identifier(task);
    UrlSession *release = NULL;
    g_mutex_lock(&tally->lock);
    guint calls = GPOINTER_TO_UINT(g_hash_table_lookup(tally->completions, &id));
    guint64 *key = g_new(guint64, 1);
    *key = id;
    g_hash_table_replace(tally->completions, key, GUINT_TO_POINTER(calls + 1));
    tally->completed++;
    if (error && url_error_get_code(error) == URL_ERROR_CANCELLED)
        tally->cancelled_errors++;
    if (tally->release_in_callback && tally->completed == tally->expected) {
        release = tally->owned;
        tally->owned = NULL;
    }
    g_mutex_unlock(&tally->lock);
    if (release) {
        /* The application's last reference, dropped inside the session's own callback,
         * after asking it to invalidate: the session lives until did_become_invalid. */
        url_session_finish_tasks_and_invalidate(release);
        url_session_unref(release);
    }
}

static void on_invalid(UrlSession *session, const UrlError *error, void *user)
{
    Tally *tally = user;
    g_mutex_lock(&tally->lock);
    tally->invalidated++;
    g_mutex_unlock(&tally->lock);
}

static const UrlSessionDelegate delegate = {
    .did_become_invalid = on_invalid,
    .did_complete = on_complete,
    .data_did_receive_data = on_data,
};

/* ---- threads driving manual and GLib queues ---------------------------------------- */

typedef struct {
    UrlQueue *queue;
    gint stop;
} ManualDriver;

static gpointer drive_manual(gpointer data)
{
    ManualDriver *driver = data;
    while (!g_atomic_int_get(&driver->stop)) {
        if (url_queue_wait(driver->queue, 0.05))
            url_queue_dispatch(driver->queue);
    }
    url_queue_dispatch(driver->queue);
    return NULL;
}

static gpointer drive_glib(gpointer data)
{
    GMainLoop *loop = data;
    g_main_context_push_thread_default(g_main_loop_get_context(loop));
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(g_main_loop_get_context(loop));
    return NULL;
}

/* ---- cancellers: other threads cancel tasks at random moments ------------------------ */

typedef struct {
    GPtrArray *tasks; /* every task, with a reference */
    guint seed;
} Canceller;

static gpointer cancel_some(gpointer data)
{
    Canceller *canceller = data;
    GRand *rand = g_rand_new_with_seed(canceller->seed);
    for (guint i = 0; i < canceller->tasks->len; i++) {
        if (g_rand_int_range(rand, 0, 3) != 0)
            continue;
        g_usleep((gulong)g_rand_int_range(rand, 0, 3000));
        UrlSessionTask *task = g_ptr_array_index(canceller->tasks, i);
        url_session_task_cancel(task);
        (void)url_session_task_get_state(task);
    }
    g_rand_free(rand);
    return NULL;
}

static void test_many_sessions_each_queue_kind(void)
{
    g_autofree char *slow = it_url(IT_HTTP, "/slow/1m.bin?rate=4m");
    g_autofree char *small = it_url(IT_H2C, "/files/1k.bin");
    g_autofree char *tls = it_url(IT_HTTPS, "/files/1k.bin");
    const char *urls[] = {slow, small, tls};
    const ItProto protos[] = {IT_HTTP, IT_H2C, IT_HTTPS};

    GMainContext *context = g_main_context_new();
    GMainLoop *loop = g_main_loop_new(context, FALSE);
    GThread *glib_thread = g_thread_new("glib-queue", drive_glib, loop);
    ManualDriver manual = {.queue = url_queue_new_manual()};
    GThread *manual_thread = g_thread_new("manual-queue", drive_manual, &manual);

    enum { SESSIONS = SESSIONS_PER_KIND * QUEUE_KINDS };
    Tally tallies[SESSIONS];
    UrlSession *sessions[SESSIONS];
    GPtrArray *tasks = g_ptr_array_new_with_free_func((GDestroyNotify)url_session_task_unref);
    for (int s = 0; s < SESSIONS; s++) {
        Tally *tally = &tallies[s];
        g_mutex_init(&tally->lock);
        tally->completions = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
        tally->completed = tally->cancelled_errors = tally->invalidated = tally->data_calls = 0;
        tally->expected = TASKS_PER_SESSION;
        tally->release_in_callback = s % 2 == 1;
        QueueKind kind = (QueueKind)(s % QUEUE_KINDS);
        UrlQueue *queue = kind == KIND_SERIAL   ? url_queue_new_serial("threads-test")
                          : kind == KIND_MANUAL ? url_queue_ref(manual.queue)
                                                : url_queue_new_glib(context);
        ItProto proto = protos[s % G_N_ELEMENTS(protos)];
        UrlSessionConfiguration *configuration = it_configuration_new(proto);
        sessions[s] = url_session_new(configuration, &delegate, tally, queue);
        url_session_configuration_unref(configuration);
        url_queue_unref(queue);
        tally->owned = tally->release_in_callback ? url_session_ref(sessions[s]) : NULL;
        for (int t = 0; t < TASKS_PER_SESSION; t++) {
            const char *url = urls[(s + t) % G_N_ELEMENTS(urls)];
            if (protos[s % G_N_ELEMENTS(protos)] != IT_HTTP && url == slow)
                url = proto == IT_H2C ? small : tls;
            UrlRequest *request = url_request_new(url);
            UrlSessionTask *task = url_session_data_task(sessions[s], request);
            url_request_unref(request);
            url_session_task_resume(task);
            g_ptr_array_add(tasks, task);
        }
        /* Sessions not released in a callback are released here, at once: their tasks
         * keep them alive. */
        if (!tally->release_in_callback) {
            url_session_finish_tasks_and_invalidate(sessions[s]);
            url_session_unref(sessions[s]);
        }
        sessions[s] = NULL;
    }

    Canceller cancellers[CANCELLER_THREADS];
    GThread *threads[CANCELLER_THREADS];
    for (int i = 0; i < CANCELLER_THREADS; i++) {
        cancellers[i] = (Canceller){.tasks = tasks, .seed = 1234u + (guint)i};
        threads[i] = g_thread_new("canceller", cancel_some, &cancellers[i]);
    }
    for (int i = 0; i < CANCELLER_THREADS; i++)
        g_thread_join(threads[i]);

    /* Every task completes, exactly once. */
    for (guint i = 0; i < tasks->len; i++) {
        if (!url_session_task_wait(g_ptr_array_index(tasks, i), 120))
            g_error("task %u did not complete", i);
    }
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    guint cancelled = 0;
    for (int s = 0; s < SESSIONS; s++) {
        Tally *tally = &tallies[s];
        for (;;) {
            g_mutex_lock(&tally->lock);
            gboolean invalid = tally->invalidated > 0;
            g_mutex_unlock(&tally->lock);
            if (invalid || g_get_monotonic_time() > deadline)
                break;
            g_usleep(10000);
        }
        g_mutex_lock(&tally->lock);
        g_assert_cmpuint(tally->completed, ==, TASKS_PER_SESSION);
        g_assert_cmpuint(g_hash_table_size(tally->completions), ==, TASKS_PER_SESSION);
        GHashTableIter iter;
        gpointer value;
        g_hash_table_iter_init(&iter, tally->completions);
        while (g_hash_table_iter_next(&iter, NULL, &value))
            g_assert_cmpuint(GPOINTER_TO_UINT(value), ==, 1);
        g_assert_cmpuint(tally->invalidated, ==, 1);
        g_assert_null(tally->owned);
        cancelled += tally->cancelled_errors;
        g_mutex_unlock(&tally->lock);
    }
    g_test_message("%u tasks in %d sessions, %u ended cancelled", tasks->len, SESSIONS, cancelled);
    g_assert_cmpuint(cancelled, >, 0);
    g_ptr_array_unref(tasks);

    g_atomic_int_set(&manual.stop, 1);
    g_thread_join(manual_thread);
    url_queue_unref(manual.queue);
    g_main_loop_quit(loop);
    g_thread_join(glib_thread);
    g_main_loop_unref(loop);
    g_main_context_unref(context);
    for (int s = 0; s < SESSIONS; s++) {
        g_hash_table_unref(tallies[s].completions);
        g_mutex_clear(&tallies[s].lock);
    }
}

/* Tasks cancelled from several threads at once, repeatedly, and a session invalidated and
 * cancelled while that happens: one completion each. */
static void test_concurrent_cancel_and_invalidate(void)
{
    g_autofree char *slow = it_url(IT_HTTP, "/slow/1m.bin?rate=64k");
    for (int round = 0; round < 5; round++) {
        Tally tally = {.expected = 16};
        g_mutex_init(&tally.lock);
        tally.completions = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
        UrlSessionConfiguration *configuration = it_configuration_new(IT_HTTP);
        UrlSession *session = url_session_new(configuration, &delegate, &tally, NULL);
        url_session_configuration_unref(configuration);
        GPtrArray *tasks = g_ptr_array_new_with_free_func((GDestroyNotify)url_session_task_unref);
        for (int t = 0; t < 16; t++) {
            UrlRequest *request = url_request_new(slow);
            UrlSessionTask *task = url_session_data_task(session, request);
            url_request_unref(request);
            url_session_task_resume(task);
            g_ptr_array_add(tasks, task);
        }
        Canceller cancellers[CANCELLER_THREADS];
        GThread *threads[CANCELLER_THREADS];
        for (int i = 0; i < CANCELLER_THREADS; i++) {
            cancellers[i] = (Canceller){.tasks = tasks, .seed = (guint)(round * 10 + i)};
            threads[i] = g_thread_new("canceller", cancel_some, &cancellers[i]);
        }
        g_usleep(2000);
        url_session_invalidate_and_cancel(session);
        for (int i = 0; i < CANCELLER_THREADS; i++)
            g_thread_join(threads[i]);
        for (guint i = 0; i < tasks->len; i++)
            g_assert_true(url_session_task_wait(g_ptr_array_index(tasks, i), 60));
        url_session_unref(session);
        gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
        for (;;) {
            g_mutex_lock(&tally.lock);
            guint invalid = tally.invalidated;
            g_mutex_unlock(&tally.lock);
            if (invalid || g_get_monotonic_time() > deadline)
                break;
            g_usleep(10000);
        }
        g_assert_cmpuint(tally.completed, ==, 16);
        g_assert_cmpuint(tally.cancelled_errors, ==, 16);
        g_assert_cmpuint(tally.invalidated, ==, 1);
        g_ptr_array_unref(tasks);
        g_hash_table_unref(tally.completions);
        g_mutex_clear(&tally.lock);
    }
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/threads/many-sessions-each-queue-kind", test_many_sessions_each_queue_kind);
    it_add("/threads/concurrent-cancel-and-invalidate", test_concurrent_cancel_and_invalidate);
    return it_run();
}
