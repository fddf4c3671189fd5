/* test_cancel.c — cancel at any point completes a task exactly once; suspend/resume
 * mid-body; invalidate_and_cancel and finish_tasks_and_invalidate. */
#include "fixture.h"

#include <string.h>

#define RANDOM_TASKS 200

typedef enum {
    CANCEL_NEVER = 0,
    CANCEL_BEFORE_RESUME,
    CANCEL_AFTER_RESUME,
    CANCEL_AFTER_DELAY,
    CANCEL_IN_RESPONSE,
    CANCEL_IN_DATA,
    CANCEL_TWICE,
    CANCEL_KINDS
} CancelKind;

static const struct {
    const char *path;
    const char *file;
    gint64 size;
} resources[] = {
    {"/files/small.txt", "small.txt", 12},
    {"/files/1k.bin", "1k.bin", 1024},
    {"/files/1m.bin", "1m.bin", 1048576},
    {"/slow/1m.bin?rate=2m", "1m.bin", 1048576},
};

typedef struct {
    UrlSessionTask *task;
    ItRecorder *rec;
    CancelKind kind;
    guint resource;
    gint64 cancel_at_us; /* CANCEL_AFTER_DELAY */
} Planned;

static void test_random_points(void)
{
    guint32 seed = g_test_rand_int();
    g_test_message("seed %u", seed);
    GRand *rand = g_rand_new_with_seed(seed);
    ItRecorder *recs[IT_PROTO_COUNT];
    UrlSession *sessions[IT_PROTO_COUNT];
    guint per_session[IT_PROTO_COUNT] = {0};
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        recs[p] = it_recorder_new();
        sessions[p] = it_session_new(p, recs[p]);
    }
    char *sha[G_N_ELEMENTS(resources)];
    for (guint r = 0; r < G_N_ELEMENTS(resources); r++) {
        sha[r] = it_sha256_www(resources[r].file);
    }

    Planned plan[RANDOM_TASKS];
    gint64 start = g_get_monotonic_time();
    for (int i = 0; i < RANDOM_TASKS; i++) {
        int p = i % IT_PROTO_COUNT;
        Planned *t = &plan[i];
        t->rec = recs[p];
        t->kind = (CancelKind)g_rand_int_range(rand, 0, CANCEL_KINDS);
        t->resource = (guint)g_rand_int_range(rand, 0, G_N_ELEMENTS(resources));
        t->cancel_at_us = start + g_rand_int_range(rand, 0, 300 * 1000);
        g_autofree char *url = it_url(p, resources[t->resource].path);
        UrlRequest *request = url_request_new(url);
        t->task = url_session_data_task(sessions[p], request);
        url_request_unref(request);
        g_assert_nonnull(t->task);
        per_session[p]++;
        guint64 id = url_session_task_get_identifier(t->task);
        switch (t->kind) {
        case CANCEL_BEFORE_RESUME:
            url_session_task_cancel(t->task);
            break;
        case CANCEL_IN_RESPONSE:
            it_recorder_cancel_on(t->rec, id, IT_EV_RESPONSE);
            break;
        case CANCEL_IN_DATA:
            it_recorder_cancel_on(t->rec, id, IT_EV_DATA);
            break;
        default:
            break;
        }
        url_session_task_resume(t->task);
        if (t->kind == CANCEL_AFTER_RESUME) {
            url_session_task_cancel(t->task);
        } else if (t->kind == CANCEL_TWICE) {
            url_session_task_cancel(t->task);
            url_session_task_cancel(t->task);
        }
    }
    /* Delayed cancels, in time order, from this thread while transfers run. */
    gint64 deadline = start + 2 * G_USEC_PER_SEC;
    for (gboolean pending = TRUE; pending && g_get_monotonic_time() < deadline;) {
        pending = FALSE;
        for (int i = 0; i < RANDOM_TASKS; i++) {
            if (plan[i].kind == CANCEL_AFTER_DELAY && plan[i].cancel_at_us) {
                if (g_get_monotonic_time() >= plan[i].cancel_at_us) {
                    url_session_task_cancel(plan[i].task);
                    plan[i].cancel_at_us = 0;
                } else {
                    pending = TRUE;
                }
            }
        }
        g_usleep(1000);
    }
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_assert_true(it_recorder_wait_completed(recs[p], per_session[p], 120));
    }

    guint cancelled = 0, succeeded = 0;
    for (int i = 0; i < RANDOM_TASKS; i++) {
        Planned *t = &plan[i];
        ItTaskLog *log = it_recorder_get(t->rec, t->task);
        g_assert_nonnull(log);
        g_autofree char *order = it_task_log_check_order(log);
        g_assert_cmpstr(order, ==, NULL);
        g_assert_cmpint(url_session_task_get_state(t->task), ==, URL_TASK_STATE_COMPLETED);
        int code = it_task_log_error_code(log);
        switch (t->kind) {
        case CANCEL_NEVER:
            it_assert_no_error(log->error);
            break;
        case CANCEL_BEFORE_RESUME:
            it_assert_error_code(log->error, URL_ERROR_CANCELLED);
            g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 0);
            g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
            break;
        case CANCEL_AFTER_RESUME:
        case CANCEL_TWICE:
            /* No transfer finishes in the microseconds between resume and cancel. */
            it_assert_error_code(log->error, URL_ERROR_CANCELLED);
            break;
        case CANCEL_IN_RESPONSE:
            /* The task was still running: it ends cancelled, with no data after. */
            it_assert_error_code(log->error, URL_ERROR_CANCELLED);
            g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 1);
            g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
            break;
        case CANCEL_IN_DATA:
            it_assert_error_code(log->error, URL_ERROR_CANCELLED);
            g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 1);
            break;
        case CANCEL_AFTER_DELAY:
            /* Either the cancel came first, or the task had completed already. */
            if (code != 0) {
                it_assert_error_code(log->error, URL_ERROR_CANCELLED);
            }
            break;
        case CANCEL_KINDS:
            g_assert_not_reached();
        }
        if (code == 0) {
            g_assert_cmpuint(log->body_length, ==, resources[t->resource].size);
            g_assert_cmpstr(g_checksum_get_string(log->body_sha256), ==, sha[t->resource]);
            succeeded++;
            /* Cancel after completion changes nothing. */
            url_session_task_cancel(t->task);
            UrlError *after = url_session_task_get_error(t->task);
            g_assert_null(after);
        } else {
            UrlError *error = url_session_task_get_error(t->task);
            it_assert_error_code(error, URL_ERROR_CANCELLED);
            url_error_unref(error);
            cancelled++;
        }
    }
    g_test_message("%u succeeded, %u cancelled", succeeded, cancelled);
    g_assert_cmpuint(succeeded + cancelled, ==, RANDOM_TASKS);

    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        guint64 seq_before = recs[p]->seq;
        it_session_finish(sessions[p], recs[p]);
        /* No task callback came after its completion: only did_become_invalid. */
        g_assert_cmpuint(recs[p]->seq, ==, seq_before + 1);
        g_assert_cmpuint(recs[p]->completed, ==, per_session[p]);
        it_recorder_free(recs[p]);
    }
    for (int i = 0; i < RANDOM_TASKS; i++) {
        url_session_task_unref(plan[i].task);
    }
    for (guint r = 0; r < G_N_ELEMENTS(resources); r++) {
        g_free(sha[r]);
    }
    g_rand_free(rand);
}

/* Cancel from inside a callback while the task runs: it ends cancelled and no body callback
 * follows the cancel. */
static void run_cancel_in_callback(ItProto proto, const char *path, ItEvent event)
{
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, path);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_recorder_cancel_on(rec, url_session_task_get_identifier(task), event);
    it_run_task(task, 30);
    it_session_finish(session, rec);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    g_test_message("%s: %u data callbacks, %" G_GUINT64_FORMAT " bytes, error %d", path,
                   log->counts[IT_EV_DATA], log->body_length, it_task_log_error_code(log));
    guint data_callbacks_before_cancel = event == IT_EV_DATA ? 1 : 0;
    g_assert_cmpuint(log->counts[IT_EV_DATA], ==, data_callbacks_before_cancel);
    it_assert_error_code(log->error, URL_ERROR_CANCELLED);
    url_session_task_unref(task);
    url_request_unref(request);
    it_recorder_free(rec);
}

static void test_cancel_in_response(gconstpointer data)
{
    run_cancel_in_callback(GPOINTER_TO_INT(data), "/files/1m.bin", IT_EV_RESPONSE);
    run_cancel_in_callback(GPOINTER_TO_INT(data), "/files/small.txt", IT_EV_RESPONSE);
}

static void test_cancel_in_data(gconstpointer data)
{
    run_cancel_in_callback(GPOINTER_TO_INT(data), "/files/1m.bin", IT_EV_DATA);
    /* The whole body is in the one data callback: the transfer is over on the network,
     * but the task has not completed, so the cancel still counts. */
    run_cancel_in_callback(GPOINTER_TO_INT(data), "/files/small.txt", IT_EV_DATA);
}

static void test_cancel_suspended(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/files/1m.bin");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_SUSPENDED);
    url_session_task_cancel(task);
    g_assert_true(url_session_task_wait(task, 10));
    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_COMPLETED);
    /* Resuming a cancelled task does nothing. */
    url_session_task_resume(task);
    it_session_finish(session, rec);
    ItTaskLog *log = it_recorder_get(rec, task);
    g_assert_nonnull(log);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_error_code(log->error, URL_ERROR_CANCELLED);
    g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 0);
    g_assert_cmpuint(log->counts[IT_EV_DATA], ==, 0);
    g_assert_cmpint(url_session_task_get_count_of_bytes_received(task), ==, 0);
    url_session_task_unref(task);
    url_request_unref(request);
    it_recorder_free(rec);
}

static void received(ItRecorder *rec, UrlSessionTask *task, gint64 *by_task, guint64 *by_callbacks)
{
    *by_task = url_session_task_get_count_of_bytes_received(task);
    g_mutex_lock(&rec->lock);
    GHashTableIter iter;
    gpointer value;
    *by_callbacks = 0;
    g_hash_table_iter_init(&iter, rec->tasks);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        *by_callbacks += ((ItTaskLog *)value)->body_length;
    }
    g_mutex_unlock(&rec->lock);
}

static void test_suspend_resume_mid_body(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/slow/10m.bin?rate=4m");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    url_session_task_resume(task);

    gint64 by_task = 0;
    guint64 by_callbacks = 0;
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (by_callbacks < 262144 && g_get_monotonic_time() < deadline) {
        g_usleep(10 * 1000);
        received(rec, task, &by_task, &by_callbacks);
    }
    g_assert_cmpuint(by_callbacks, >=, 262144);

    url_session_task_suspend(task);
    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_SUSPENDED);
    /* Let bytes and callbacks already under way land: the counts settle (two samples
     * 300 ms apart agree; a slow machine or valgrind may take a few rounds, at most 10 s),
     * then they must stay still for a second. */
    gint64 task_a;
    guint64 cb_a;
    received(rec, task, &task_a, &cb_a);
    for (int round = 0; round < 33; round++) {
        g_usleep(300 * 1000);
        gint64 task_now;
        guint64 cb_now;
        received(rec, task, &task_now, &cb_now);
        if (task_now == task_a && cb_now == cb_a)
            break;
        task_a = task_now;
        cb_a = cb_now;
    }
    g_usleep(G_USEC_PER_SEC);
    gint64 task_b;
    guint64 cb_b;
    received(rec, task, &task_b, &cb_b);
    g_assert_cmpint(task_b, ==, task_a);
    g_assert_cmpuint(cb_b, ==, cb_a);
    g_assert_cmpuint(cb_a, <, 10485760);

    url_session_task_resume(task);
    g_assert_cmpint(url_session_task_get_state(task), ==, URL_TASK_STATE_RUNNING);
    g_assert_true(url_session_task_wait(task, 60));
    ItTaskLog *log = it_recorder_get(rec, task);
    g_autofree char *order = it_task_log_check_order(log);
    g_assert_cmpstr(order, ==, NULL);
    it_assert_no_error(log->error);
    g_assert_cmpuint(log->body_length, ==, 10485760);
    g_autofree char *want = it_sha256_www("10m.bin");
    g_assert_cmpstr(g_checksum_get_string(log->body_sha256), ==, want);

    url_session_task_unref(task);
    url_request_unref(request);
    it_session_finish(session, rec);
    it_recorder_free(rec);
}

/* Making a task on an invalidated session returns NULL (documented); the library may log
 * a warning about it, which GTest would otherwise make fatal. GTest resets the handler
 * before each test, so each test installs it. */
static gboolean allow_invalidated_warning(const gchar *domain, GLogLevelFlags level,
                                          const gchar *message, gpointer unused)
{
    return !(g_strcmp0(domain, "urlsession") == 0 && strstr(message, "invalidated"));
}

static void test_invalidate_and_cancel(gconstpointer data)
{
    g_test_log_set_fatal_handler(allow_invalidated_warning, NULL);
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/slow/10m.bin?rate=1m");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *tasks[25];
    for (int i = 0; i < 25; i++) {
        tasks[i] = i % 5 == 4 ? url_session_download_task(session, request)
                              : url_session_data_task(session, request);
        /* Five of them stay suspended, never started. */
        if (i < 20) {
            url_session_task_resume(tasks[i]);
        }
    }
    g_usleep(300 * 1000);
    url_session_invalidate_and_cancel(session);
    g_assert_true(url_session_is_invalidated(session));
    g_assert_null(url_session_data_task(session, request));
    url_session_invalidate_and_cancel(session);
    g_assert_true(it_recorder_wait_invalid(rec, 30));
    it_recorder_pump(rec, 0.3);

    g_assert_cmpuint(rec->invalid_count, ==, 1);
    g_assert_cmpuint(rec->completed, ==, 25);
    g_assert_cmpuint(rec->invalid_seq, >, rec->last_complete_seq);
    g_assert_cmpuint(rec->invalid_seq, ==, rec->seq);
    for (int i = 0; i < 25; i++) {
        ItTaskLog *log = it_recorder_get(rec, tasks[i]);
        g_assert_nonnull(log);
        g_autofree char *order = it_task_log_check_order(log);
        g_assert_cmpstr(order, ==, NULL);
        it_assert_error_code(log->error, URL_ERROR_CANCELLED);
        g_assert_cmpuint(log->counts[IT_EV_FINISH_DOWNLOAD], ==, 0);
        url_session_task_unref(tasks[i]);
    }
    g_assert_cmpint(it_dir_entry_count(it_download_dir()), ==, 0);
    url_request_unref(request);
    url_session_unref(session);
    it_recorder_free(rec);
}

static void test_finish_tasks_and_invalidate(gconstpointer data)
{
    g_test_log_set_fatal_handler(allow_invalidated_warning, NULL);
    ItProto proto = GPOINTER_TO_INT(data);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = it_session_new(proto, rec);
    g_autofree char *url = it_url(proto, "/slow/1m.bin?rate=2m");
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *tasks[10];
    for (int i = 0; i < 10; i++) {
        tasks[i] = url_session_data_task(session, request);
        url_session_task_resume(tasks[i]);
    }
    url_session_finish_tasks_and_invalidate(session);
    g_assert_true(url_session_is_invalidated(session));
    /* New tasks are refused at once. */
    g_assert_null(url_session_data_task(session, request));
    g_assert_null(url_session_download_task(session, request));
    g_assert_null(url_session_upload_task_with_data(session, request, "x", 1));
    url_session_finish_tasks_and_invalidate(session);

    g_assert_true(it_recorder_wait_invalid(rec, 60));
    it_recorder_pump(rec, 0.3);
    g_assert_cmpuint(rec->invalid_count, ==, 1);
    g_assert_null(rec->invalid_error);
    g_assert_cmpuint(rec->completed, ==, 10);
    g_assert_cmpuint(rec->invalid_seq, >, rec->last_complete_seq);
    g_assert_cmpuint(rec->invalid_seq, ==, rec->seq);
    g_autofree char *want = it_sha256_www("1m.bin");
    for (int i = 0; i < 10; i++) {
        ItTaskLog *log = it_recorder_get(rec, tasks[i]);
        g_autofree char *order = it_task_log_check_order(log);
        g_assert_cmpstr(order, ==, NULL);
        /* The running tasks were allowed to finish. */
        it_assert_no_error(log->error);
        g_assert_cmpstr(g_checksum_get_string(log->body_sha256), ==, want);
        url_session_task_unref(tasks[i]);
    }
    url_request_unref(request);
    url_session_unref(session);
    it_recorder_free(rec);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/cancel/random-points", test_random_points);
    static const struct {
        const char *name;
        void (*fn)(gconstpointer);
    } per_proto[] = {
        {"in-response-callback", test_cancel_in_response},
        {"in-data-callback", test_cancel_in_data},
        {"suspended-never-started", test_cancel_suspended},
        {"suspend-resume-mid-body", test_suspend_resume_mid_body},
        {"invalidate-and-cancel", test_invalidate_and_cancel},
        {"finish-tasks-and-invalidate", test_finish_tasks_and_invalidate},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(per_proto); i++) {
        for (int p = 0; p < IT_PROTO_COUNT; p++) {
            g_autofree char *path =
                g_strdup_printf("/cancel/%s/%s", per_proto[i].name, it_proto_name(p));
            it_add_data(path, GINT_TO_POINTER(p), per_proto[i].fn);
        }
    }
    return it_run();
}
