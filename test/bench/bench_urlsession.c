/* bench_urlsession.c — the liburlsession contender of test/bench, on the public API only,
 * written the way an application would: the default serial delegate queue, a delegate
 * for streamed bodies, completion handlers for small ones, download tasks for files. */
#include <urlsession/urlsession.h>

#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_measure.h"

#define TTFB_MAX 1000

/* Everything the callbacks share with main(), under lock. */
typedef struct {
    BenchArgs args;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    UrlSession *session;
    long started;
    long finished;
    long ok;
    long failed;
    long awaited; /* the count main() waits for: callbacks wake it only then */
    int64_t bytes;
    double start;
    double response_at;
    char protocol[16];
} Bench;

static Bench bench = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static void note_protocol(const UrlResponse *response)
{
    const char *version = response ? url_response_get_http_version(response) : NULL;
    if (version && bench.protocol[0] == '\0')
        snprintf(bench.protocol, sizeof bench.protocol, "%s", version);
}

/* Waits until @finished reaches @target or the run's time is up. */
static bool wait_finished(long target)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)bench.args.timeout;
    pthread_mutex_lock(&bench.lock);
    bench.awaited = target;
    int rc = 0;
    while (bench.finished < target && rc == 0)
        rc = pthread_cond_timedwait(&bench.changed, &bench.lock, &deadline);
    bool done = bench.finished >= target;
    pthread_mutex_unlock(&bench.lock);
    return done;
}

static void finish_one(bool ok, int64_t bytes)
{
    pthread_mutex_lock(&bench.lock);
    bench.finished++;
    if (ok)
        bench.ok++;
    else
        bench.failed++;
    bench.bytes += bytes;
    /* A wake-up per request would be the harness's cost, not the library's. */
    if (bench.finished >= bench.awaited)
        pthread_cond_broadcast(&bench.changed);
    pthread_mutex_unlock(&bench.lock);
}

static UrlSessionConfiguration *make_configuration(bool ephemeral)
{
    UrlSessionConfiguration *configuration = ephemeral ? url_session_configuration_new_ephemeral()
                                                       : url_session_configuration_new_default();
    if (bench.args.ca)
        url_session_configuration_set_ca_file(configuration, bench.args.ca);
    url_session_configuration_set_http_version(
        configuration, bench.args.http2 ? URL_HTTP_VERSION_2 : URL_HTTP_VERSION_1_1);
    url_session_configuration_set_max_connections_per_host(configuration, (int)bench.args.conns);
    url_session_configuration_set_timeout_interval_for_request(configuration, 120);
    /* No HTTP cache: no other contender caches, and with one the repeated GETs of
     * scenario 2 would become revalidations answered by 304, another workload. */
    url_session_configuration_set_url_cache(configuration, NULL);
    if (bench.args.to) {
        /* The temporary file goes beside the destination so that the move is a rename. */
        char *copy = strdup(bench.args.to);
        url_session_configuration_set_download_directory(configuration, dirname(copy));
        free(copy);
    }
    return configuration;
}

static UrlSessionTask *start_data_task(UrlDataCompletion completion)
{
    UrlRequest *request = url_request_new(bench.args.url);
    UrlSessionTask *task =
        completion ? url_session_data_task_with_completion(bench.session, request, completion, NULL)
                   : url_session_data_task(bench.session, request);
    url_request_unref(request);
    if (task)
        url_session_task_resume(task);
    return task;
}

/* ---- callbacks ------------------------------------------------------------------- */

static void on_response(UrlSession *session, UrlSessionTask *task, const UrlResponse *response,
                        UrlResponseHandler *handler, void *data)
{
    pthread_mutex_lock(&bench.lock);
    bench.response_at = bench_now();
    note_protocol(response);
    pthread_mutex_unlock(&bench.lock);
    url_response_handler_complete(handler, URL_RESPONSE_ALLOW);
}

static void on_data(UrlSession *session, UrlSessionTask *task, const void *data, size_t length,
                    void *delegate_data)
{
    bench.bytes += (int64_t)length; /* only this queue's thread writes it before the end */
    if (bench.args.mode == BENCH_STREAM)
        bench_pace(bench.start, bench.bytes, bench.args.rate);
}

static void on_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                        void *data)
{
    UrlResponse *response = url_session_task_get_response(task);
    bool ok = !error && response && url_response_get_status_code(response) == 200;
    url_response_unref(response);
    finish_one(ok, 0);
}

static void on_small_done(UrlSessionTask *task, const void *data, size_t length,
                          const UrlResponse *response, const UrlError *error, void *user_data)
{
    bool ok = !error && url_response_get_status_code(response) == 200;
    pthread_mutex_lock(&bench.lock);
    note_protocol(response);
    bool more = bench.started < bench.args.count;
    if (more)
        bench.started++;
    pthread_mutex_unlock(&bench.lock);
    if (more && bench.args.mode == BENCH_MANY)
        url_session_task_unref(start_data_task(on_small_done));
    finish_one(ok, (int64_t)length);
}

static void on_download_done(UrlSessionTask *task, const char *location,
                             const UrlResponse *response, const UrlError *error, void *user_data)
{
    bool ok = !error && url_response_get_status_code(response) == 200 && location &&
              rename(location, bench.args.to) == 0;
    pthread_mutex_lock(&bench.lock);
    note_protocol(response);
    pthread_mutex_unlock(&bench.lock);
    finish_one(ok, url_session_task_get_count_of_bytes_received(task));
}

/* ---- modes ----------------------------------------------------------------------- */

static bool run_download(void)
{
    UrlSessionTask *task;
    if (bench.args.to) {
        UrlRequest *request = url_request_new(bench.args.url);
        task = url_session_download_task_with_completion(bench.session, request, on_download_done,
                                                         NULL);
        url_request_unref(request);
        url_session_task_resume(task);
    } else {
        task = start_data_task(NULL);
    }
    bench.start = bench_now();
    bool done = wait_finished(1);
    if (!bench.args.to)
        bench.bytes = url_session_task_get_count_of_bytes_received(task);
    url_session_task_unref(task);
    return done;
}

static bool run_many(void)
{
    long first = bench.args.window < bench.args.count ? bench.args.window : bench.args.count;
    pthread_mutex_lock(&bench.lock);
    bench.started = first;
    pthread_mutex_unlock(&bench.lock);
    for (long i = 0; i < first; i++)
        url_session_task_unref(start_data_task(on_small_done));
    return wait_finished(bench.args.count);
}

static bool run_tasks(void)
{
    /* One exchange first, so that the baseline holds the connection, TLS and libcurl. */
    url_session_task_unref(start_data_task(on_small_done));
    if (!wait_finished(1))
        return false;
    pthread_mutex_lock(&bench.lock);
    bench.finished = bench.ok = bench.failed = 0;
    bench.started = bench.args.count;
    pthread_mutex_unlock(&bench.lock);
    bench.bytes = 0;
    return true;
}

static bool run_tasks_all(void)
{
    for (long i = 0; i < bench.args.count; i++)
        url_session_task_unref(start_data_task(on_small_done));
    return wait_finished(bench.args.count);
}

static bool run_ttfb(BenchResult *result)
{
    static double fresh[TTFB_MAX], reused[TTFB_MAX];
    long count = bench.args.count < TTFB_MAX ? bench.args.count : TTFB_MAX;
    UrlSessionDelegate delegate = {.data_did_receive_response = on_response,
                                   .did_complete = on_complete};
    for (long i = 0; i < count; i++) {
        UrlSessionConfiguration *configuration = make_configuration(true);
        UrlSession *session = url_session_new(configuration, &delegate, NULL, NULL);
        url_session_configuration_unref(configuration);
        url_session_unref(bench.session);
        bench.session = session;
        for (int j = 0; j < 2; j++) {
            double start = bench_now();
            url_session_task_unref(start_data_task(NULL));
            if (!wait_finished(2 * i + j + 1))
                return false;
            pthread_mutex_lock(&bench.lock);
            (j == 0 ? fresh : reused)[i] = (bench.response_at - start) * 1e3;
            pthread_mutex_unlock(&bench.lock);
        }
        url_session_finish_tasks_and_invalidate(session);
    }
    result->ttfb_fresh_ms = bench_median(fresh, (size_t)count);
    result->ttfb_reused_ms = bench_median(reused, (size_t)count);
    return true;
}

int main(int argc, char **argv)
{
    bench_parse_args(&bench.args, argc, argv);
    UrlSessionDelegate delegate = {.data_did_receive_response = on_response,
                                   .data_did_receive_data = on_data,
                                   .did_complete = on_complete};
    UrlSessionConfiguration *configuration = make_configuration(false);
    bench.session = url_session_new(configuration, &delegate, NULL, NULL);
    url_session_configuration_unref(configuration);

    BenchResult result = {0};
    bool done = false;
    switch (bench.args.mode) {
    case BENCH_DOWNLOAD:
        done = run_download();
        break;
    case BENCH_MANY:
        done = run_many();
        break;
    case BENCH_TASKS:
        done = run_tasks();
        result.baseline_kib = bench_memory_kib("VmRSS");
        done = done && run_tasks_all();
        break;
    case BENCH_STREAM:
        result.baseline_kib = bench_memory_kib("VmRSS");
        done = run_download();
        break;
    case BENCH_TTFB:
        done = run_ttfb(&result);
        break;
    }
    result.hwm_kib = bench_memory_kib("VmHWM");
    pthread_mutex_lock(&bench.lock);
    result.bytes = bench.bytes;
    result.ok = bench.ok;
    result.failed = bench.failed + (done ? 0 : 1);
    result.protocol = bench.protocol;
    pthread_mutex_unlock(&bench.lock);
    bench_print_result(&result);
    url_session_invalidate_and_cancel(bench.session);
    url_session_unref(bench.session);
    return done && result.failed == 0 ? 0 : 1;
}
