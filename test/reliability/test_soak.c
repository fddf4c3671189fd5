/* test_soak.c — load and soak: 10,000 concurrent tasks, and a compressed soak of create /
 * cancel / complete churn after which memory and file descriptors are back where they
 * were. Every task must complete exactly once.
 *
 * The soak lasts URL_SOAK_SECONDS (default 20, what CI runs); set it to 3600 for the
 * hour-long run. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer keeps freed memory in a quarantine (256 MiB by default) that would
 * count in the RSS the soak compares; without it RSS shows what the library keeps. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=0";
}
#endif

/* URL_LOAD_CONCURRENT_TASKS overrides it (run-valgrind.sh runs 1000). */
#define CONCURRENT_TASKS it_env_count("URL_LOAD_CONCURRENT_TASKS", 10000)
#define SOAK_BATCH       150

typedef struct {
    gint completions; /* atomic, per task */
    gint cancelled;   /* completed with URL_ERROR_CANCELLED */
    gint succeeded;   /* completed with the expected body */
    gint wrong;       /* completed with something else */
    const char *expected_body;
    size_t expected_length;
} Outcome;

static void on_complete(UrlSessionTask *task, const void *data, size_t length,
                        const UrlResponse *response, const UrlError *error, void *user_data)
{
    Outcome *outcome = user_data;
    g_atomic_int_inc(&outcome->completions);
    if (error && url_error_get_code(error) == URL_ERROR_CANCELLED)
        g_atomic_int_inc(&outcome->cancelled);
    else if (!error && response && url_response_get_status_code(response) == 200 &&
             length == outcome->expected_length &&
             (outcome->expected_body == NULL || memcmp(data, outcome->expected_body, length) == 0))
        g_atomic_int_inc(&outcome->succeeded);
    else
        g_atomic_int_inc(&outcome->wrong);
}

static UrlSession *session_for(ItProto proto)
{
    UrlSessionConfiguration *configuration = it_configuration_new(proto);
    UrlSession *session = url_session_new(configuration, NULL, NULL, NULL);
    url_session_configuration_unref(configuration);
    return session;
}

static void wait_all(UrlSessionTask **tasks, guint count, double timeout)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(timeout * G_USEC_PER_SEC);
    for (guint i = 0; i < count; i++) {
        double left = (double)(deadline - g_get_monotonic_time()) / G_USEC_PER_SEC;
        g_assert_true(url_session_task_wait(tasks[i], left > 0 ? left : 0));
    }
}

/* 10,000 tasks resumed at once over HTTP/1.1 (6 connections) and one HTTP/2 connection:
 * every one completes once with its body, and the process lets go of every socket. */
static void warm_up(void)
{
    /* The network thread, its context and the TLS library keep a few descriptors for the
     * life of the process: count from after they exist. */
    UrlSession *session = session_for(IT_HTTPS);
    g_autofree char *url = it_url(IT_HTTPS, "/files/small.txt");
    Outcome outcome = {.expected_body = "hello world\n", .expected_length = 12};
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task =
        url_session_data_task_with_completion(session, request, on_complete, &outcome);
    url_session_task_resume(task);
    g_assert_true(url_session_task_wait(task, 30));
    g_assert_cmpint(outcome.succeeded, ==, 1);
    url_session_task_unref(task);
    url_request_unref(request);
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
    g_usleep(100 * 1000);
}

static void test_ten_thousand_concurrent(void)
{
    warm_up();
    int fds_before = it_fd_count();
    UrlSession *sessions[2] = {session_for(IT_HTTP), session_for(IT_HTTPS)};
    char *urls[2] = {it_url(IT_HTTP, "/files/small.txt"), it_url(IT_HTTPS, "/files/small.txt")};
    UrlSessionTask **tasks = g_new0(UrlSessionTask *, CONCURRENT_TASKS);
    Outcome *outcomes = g_new0(Outcome, CONCURRENT_TASKS);
    for (int i = 0; i < CONCURRENT_TASKS; i++) {
        outcomes[i].expected_body = "hello world\n";
        outcomes[i].expected_length = 12;
        UrlRequest *request = url_request_new(urls[i % 2]);
        tasks[i] = url_session_data_task_with_completion(sessions[i % 2], request, on_complete,
                                                         &outcomes[i]);
        url_request_unref(request);
    }
    for (int i = 0; i < CONCURRENT_TASKS; i++)
        url_session_task_resume(tasks[i]);
    wait_all(tasks, CONCURRENT_TASKS, 240);

    for (int i = 0; i < CONCURRENT_TASKS; i++) {
        g_assert_cmpint(g_atomic_int_get(&outcomes[i].completions), ==, 1);
        g_assert_cmpint(outcomes[i].succeeded, ==, 1);
        url_session_task_unref(tasks[i]);
    }
    for (int p = 0; p < 2; p++) {
        url_session_finish_tasks_and_invalidate(sessions[p]);
        url_session_unref(sessions[p]);
    }
    /* Connection pools close on the network thread after the sessions go. */
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (it_fd_count() > fds_before && g_get_monotonic_time() < deadline)
        g_usleep(20 * 1000);
    g_assert_cmpint(it_fd_count(), <=, fds_before);
    g_free(urls[0]);
    g_free(urls[1]);
    g_free(tasks);
    g_free(outcomes);
}

typedef struct {
    gint64 rss_kib;
    int fds;
} Sample;

static double soak_seconds(void)
{
    const char *value = g_getenv("URL_SOAK_SECONDS");
    double seconds = value ? g_ascii_strtod(value, NULL) : 20;
    return seconds > 0 ? seconds : 20;
}

/* One round: a batch of small tasks (some through a redirect) across the three
 * listeners, about a third cancelled at random moments (before resume, right after, or
 * mid-flight), and the session invalidated and released. Bodies stay small so that RSS
 * measures what the churn leaves behind, not heap fragmentation from large bodies. */
static void soak_round(GRand *rand, guint round, gint *total_tasks)
{
    static const struct {
        const char *path;
        size_t length;
    } resources[] = {{"/files/small.txt", 12},
                     {"/files/1k.bin", 1024},
                     {"/redirect/302?to=/files/1k.bin", 1024}};
    ItProto proto = (ItProto)(round % IT_PROTO_COUNT);
    UrlSession *session = session_for(proto);
    UrlSessionTask *tasks[SOAK_BATCH];
    Outcome outcomes[SOAK_BATCH];
    memset(outcomes, 0, sizeof outcomes);
    for (guint i = 0; i < SOAK_BATCH; i++) {
        guint r = (guint)g_rand_int_range(rand, 0, G_N_ELEMENTS(resources));
        outcomes[i].expected_length = resources[r].length;
        g_autofree char *url = it_url(proto, resources[r].path);
        UrlRequest *request = url_request_new(url);
        tasks[i] =
            url_session_data_task_with_completion(session, request, on_complete, &outcomes[i]);
        url_request_unref(request);
        int plan = g_rand_int_range(rand, 0, 9);
        if (plan == 0)
            url_session_task_cancel(tasks[i]);
        url_session_task_resume(tasks[i]);
        if (plan == 1)
            url_session_task_cancel(tasks[i]);
    }
    g_usleep((gulong)g_rand_int_range(rand, 0, 20000));
    for (guint i = 0; i < SOAK_BATCH; i++)
        if (g_rand_int_range(rand, 0, 9) == 2)
            url_session_task_cancel(tasks[i]);
    wait_all(tasks, SOAK_BATCH, 120);
    for (guint i = 0; i < SOAK_BATCH; i++) {
        g_assert_cmpint(g_atomic_int_get(&outcomes[i].completions), ==, 1);
        g_assert_cmpint(outcomes[i].wrong, ==, 0);
        url_session_task_unref(tasks[i]);
    }
    *total_tasks += SOAK_BATCH;
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
}

static double mean_rss(const GArray *samples, guint from, guint to)
{
    double sum = 0;
    for (guint i = from; i < to; i++)
        sum += (double)g_array_index(samples, Sample, i).rss_kib;
    return sum / (double)(to - from);
}

static void test_soak_churn(void)
{
    GRand *rand = g_rand_new_with_seed(20261120);
    GArray *samples = g_array_new(FALSE, FALSE, sizeof(Sample));
    gint64 end = g_get_monotonic_time() + (gint64)(soak_seconds() * G_USEC_PER_SEC);
    gint total_tasks = 0;
    guint round = 0;
    /* Two rounds to warm caches and pools before measuring. */
    for (; round < 2; round++)
        soak_round(rand, round, &total_tasks);
    while (g_get_monotonic_time() < end || samples->len < 8) {
        soak_round(rand, round++, &total_tasks);
        g_usleep(50 * 1000); /* pools close asynchronously on the network thread */
        Sample sample = {.rss_kib = it_rss_kib(), .fds = it_fd_count()};
        g_array_append_val(samples, sample);
        g_assert_cmpuint(round, <, 100000);
    }
    guint quarter = samples->len / 4;
    double first = mean_rss(samples, 0, quarter);
    double last = mean_rss(samples, samples->len - quarter, samples->len);
    g_test_message("soak: %d tasks in %u rounds; RSS first quarter %.0f KiB, last %.0f KiB; fds "
                   "%d -> %d",
                   total_tasks, round, first, last, g_array_index(samples, Sample, 0).fds,
                   g_array_index(samples, Sample, samples->len - 1).fds);
    /* Flat: allocator noise is allowed, growth with the number of tasks is not. */
    g_assert_cmpfloat(last - first, <, 8192);
    g_assert_cmpint(g_array_index(samples, Sample, samples->len - 1).fds, <=,
                    g_array_index(samples, Sample, 0).fds);
    g_array_free(samples, TRUE);
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/load/ten-thousand-concurrent", test_ten_thousand_concurrent);
    it_add("/soak/churn", test_soak_churn);
    return it_run();
}
