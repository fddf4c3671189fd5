/* test_load.c — 3000 overlapping requests over the three listeners all complete exactly
 * once with the right bytes, and the process's file descriptors return to their baseline. */
#include "fixture.h"

#include <string.h>

/* URL_LOAD_TASKS overrides it (run-valgrind.sh runs 300). */
#define TASKS it_env_count("URL_LOAD_TASKS", 3000)

static const char *const files[] = {"small.txt", "1k.bin"};

typedef struct {
    UrlSessionTask *task;
    ItProto proto;
    guint file;
    gboolean with_completion;
    ItCompletion done;
} Slot;

/* Makes and runs one short task so that whatever the library sets up once per process
 * (network thread, wake-up fds) exists before the baseline is taken. */
static void warm_up(void)
{
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        UrlSession *session = it_session_new(p, NULL);
        g_autofree char *url = it_url(p, "/files/small.txt");
        UrlRequest *request = url_request_new(url);
        ItCompletion done;
        it_completion_init(&done);
        UrlSessionTask *task =
            url_session_data_task_with_completion(session, request, it_data_completion, &done);
        it_run_task(task, 30);
        it_assert_no_error(done.error);
        it_completion_clear(&done);
        url_session_task_unref(task);
        url_request_unref(request);
        url_session_invalidate_and_cancel(session);
        url_session_unref(session);
    }
}

/* The fd count drops as connections close after the sessions went away: poll for it. */
static int wait_fd_count_at_most(int limit, double seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    int n = it_fd_count();
    while (n > limit && g_get_monotonic_time() < deadline) {
        g_usleep(50 * 1000);
        n = it_fd_count();
    }
    return n;
}

static void test_overlapping(void)
{
    GBytes *contents[G_N_ELEMENTS(files)];
    for (guint f = 0; f < G_N_ELEMENTS(files); f++) {
        g_autofree char *path = g_build_filename(it_www_dir(), files[f], NULL);
        char *data;
        gsize length;
        g_assert_true(g_file_get_contents(path, &data, &length, NULL));
        contents[f] = g_bytes_new_take(data, length);
    }
    warm_up();
    /* Give the warm-up connections a second to close. */
    g_usleep(G_USEC_PER_SEC);
    int baseline = it_fd_count();
    g_test_message("fd baseline %d", baseline);

    ItRecorder *recs[IT_PROTO_COUNT];
    UrlSession *sessions[IT_PROTO_COUNT];
    guint delegate_tasks[IT_PROTO_COUNT] = {0};
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        recs[p] = it_recorder_new();
        sessions[p] = it_session_new(p, recs[p]);
    }
    char *urls[IT_PROTO_COUNT][G_N_ELEMENTS(files)];
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        for (guint f = 0; f < G_N_ELEMENTS(files); f++) {
            g_autofree char *path = g_strdup_printf("/files/%s", files[f]);
            urls[p][f] = it_url(p, path);
        }
    }

    Slot *slots = g_new0(Slot, TASKS);
    gint64 start = g_get_monotonic_time();
    for (int i = 0; i < TASKS; i++) {
        Slot *s = &slots[i];
        s->proto = (ItProto)(i % IT_PROTO_COUNT);
        s->file = (guint)((i / IT_PROTO_COUNT) % G_N_ELEMENTS(files));
        s->with_completion = (i / 6) % 2 == 1;
        UrlRequest *request = url_request_new(urls[s->proto][s->file]);
        if (s->with_completion) {
            it_completion_init(&s->done);
            s->task = url_session_data_task_with_completion(sessions[s->proto], request,
                                                            it_data_completion, &s->done);
        } else {
            s->task = url_session_data_task(sessions[s->proto], request);
            delegate_tasks[s->proto]++;
        }
        url_request_unref(request);
        g_assert_nonnull(s->task);
        url_session_task_resume(s->task);
    }
    for (int i = 0; i < TASKS; i++) {
        double left = 240.0 - (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
        if (!url_session_task_wait(slots[i].task, MAX(left, 0.1))) {
            g_error("task %d (%s %s) did not complete within 240 s of the start", i,
                    it_proto_name(slots[i].proto), files[slots[i].file]);
        }
    }
    g_test_message("%d tasks in %.1f s", TASKS,
                   (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
    /* After did_become_invalid nothing else can arrive: counts are final. */
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        it_session_finish(sessions[p], recs[p]);
    }

    for (int i = 0; i < TASKS; i++) {
        Slot *s = &slots[i];
        GBytes *want = contents[s->file];
        if (s->with_completion) {
            g_assert_cmpuint(s->done.calls, ==, 1);
            it_assert_no_error(s->done.error);
            g_assert_cmpint(url_response_get_status_code(s->done.response), ==, 200);
            g_assert_cmpmem(s->done.data->data, s->done.data->len, g_bytes_get_data(want, NULL),
                            g_bytes_get_size(want));
            it_completion_clear(&s->done);
        } else {
            ItTaskLog *log = it_recorder_get(recs[s->proto], s->task);
            g_assert_nonnull(log);
            g_autofree char *order = it_task_log_check_order(log);
            g_assert_cmpstr(order, ==, NULL);
            it_assert_no_error(log->error);
            g_assert_cmpint(url_response_get_status_code(log->response), ==, 200);
            g_assert_cmpmem(log->body->data, log->body->len, g_bytes_get_data(want, NULL),
                            g_bytes_get_size(want));
        }
        url_session_task_unref(s->task);
    }
    for (int p = 0; p < IT_PROTO_COUNT; p++) {
        g_assert_cmpuint(recs[p]->completed, ==, delegate_tasks[p]);
        g_assert_cmpuint(recs[p]->invalid_count, ==, 1);
        it_recorder_free(recs[p]);
        for (guint f = 0; f < G_N_ELEMENTS(files); f++) {
            g_free(urls[p][f]);
        }
    }
    g_free(slots);

    int after = wait_fd_count_at_most(baseline, 10.0);
    g_assert_cmpint(after, <=, baseline);
    for (guint f = 0; f < G_N_ELEMENTS(files); f++) {
        g_bytes_unref(contents[f]);
    }
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/load/3000-overlapping", test_overlapping);
    return it_run();
}
