/* bench_curl.c — the raw libcurl contender of test/bench: a minimal multi-interface
 * program doing the same work as bench_urlsession, with libcurl's defaults except what
 * the work needs (HTTP version, CA, connections per host, PIPEWAIT for HTTP/2). Its loop
 * is curl_multi_poll() on the calling thread: no second thread, no hand-off. */
#include <curl/curl.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_measure.h"

#define TTFB_MAX 1000

typedef struct {
    CURL *easy;
    int fd;     /* download to a file, else -1 */
    char *body; /* small bodies are kept, as an application would */
    size_t kept;
    size_t capacity;
    double header_at; /* first header line */
    double start;
    int64_t bytes;
} Transfer;

static BenchArgs args;
static char protocol[16];

static size_t on_header(char *data, size_t size, size_t count, void *user)
{
    Transfer *t = user;
    if (t->header_at == 0)
        t->header_at = bench_now();
    return size * count;
}

static size_t on_write(char *data, size_t size, size_t count, void *user)
{
    Transfer *t = user;
    size_t length = size * count;
    t->bytes += (int64_t)length;
    if (t->fd >= 0) {
        size_t done = 0;
        while (done < length) {
            ssize_t n = write(t->fd, data + done, length - done);
            if (n <= 0)
                return 0;
            done += (size_t)n;
        }
    } else if (args.mode == BENCH_MANY || args.mode == BENCH_TASKS) {
        if (t->kept + length > t->capacity) {
            size_t capacity = t->capacity ? t->capacity : 1024;
            while (capacity < t->kept + length)
                capacity *= 2;
            char *body = realloc(t->body, capacity);
            if (!body)
                return 0;
            t->body = body;
            t->capacity = capacity;
        }
        memcpy(t->body + t->kept, data, length);
        t->kept += length;
    } else if (args.mode == BENCH_STREAM) {
        bench_pace(t->start, t->bytes, args.rate);
    }
    return length;
}

static Transfer *transfer_new(void)
{
    Transfer *t = calloc(1, sizeof *t);
    t->fd = -1;
    t->easy = curl_easy_init();
    curl_easy_setopt(t->easy, CURLOPT_URL, args.url);
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(t->easy, CURLOPT_HTTP_VERSION,
                     args.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(t->easy, CURLOPT_PIPEWAIT, 1L);
    if (args.ca)
        curl_easy_setopt(t->easy, CURLOPT_CAINFO, args.ca);
    return t;
}

static void transfer_start(CURLM *multi, Transfer *t)
{
    t->kept = 0;
    t->header_at = 0;
    t->start = bench_now();
    curl_multi_add_handle(multi, t->easy);
}

static void transfer_free(Transfer *t)
{
    curl_easy_cleanup(t->easy);
    if (t->fd >= 0)
        close(t->fd);
    free(t->body);
    free(t);
}

static CURLM *multi_new(void)
{
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, args.conns);
    return multi;
}

/* Runs @multi until @target transfers have finished; @on_done may start new ones. */
typedef void (*DoneFunc)(CURLM *multi, Transfer *t, bool ok, void *data);

static bool run_until(CURLM *multi, long target, DoneFunc on_done, void *data, long *ok_count,
                      long *failed)
{
    double deadline = bench_now() + args.timeout;
    long finished = 0;
    while (finished < target && bench_now() < deadline) {
        int running = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            Transfer *t = NULL;
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            bool ok = msg->data.result == CURLE_OK && status == 200;
            if (protocol[0] == '\0') {
                long version = 0;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_HTTP_VERSION, &version);
                snprintf(protocol, sizeof protocol, "%s",
                         version == CURL_HTTP_VERSION_2_0 ? "h2" : "http/1.1");
            }
            *(ok ? ok_count : failed) += 1;
            finished++;
            curl_multi_remove_handle(multi, msg->easy_handle);
            if (on_done)
                on_done(multi, t, ok, data);
        }
        if (finished < target)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    return finished >= target;
}

typedef struct {
    long started;
    int64_t bytes;
} ManyState;

static void restart(CURLM *multi, Transfer *t, bool ok, void *data)
{
    ManyState *state = data;
    state->bytes += (int64_t)t->kept;
    if (state->started < args.count) {
        state->started++;
        transfer_start(multi, t);
    }
}

static void keep_bytes(CURLM *multi, Transfer *t, bool ok, void *data)
{
    ((ManyState *)data)->bytes += t->bytes;
}

int main(int argc, char **argv)
{
    bench_parse_args(&args, argc, argv);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    BenchResult result = {0};
    bool done = false;
    CURLM *multi = multi_new();
    ManyState state = {0};

    switch (args.mode) {
    case BENCH_DOWNLOAD:
    case BENCH_STREAM: {
        if (args.mode == BENCH_STREAM)
            result.baseline_kib = bench_memory_kib("VmRSS");
        Transfer *t = transfer_new();
        if (args.to)
            t->fd = open(args.to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        transfer_start(multi, t);
        done = run_until(multi, 1, NULL, NULL, &result.ok, &result.failed);
        result.bytes = t->bytes;
        transfer_free(t);
        break;
    }
    case BENCH_MANY: {
        long window = args.window < args.count ? args.window : args.count;
        Transfer **all = calloc((size_t)window, sizeof *all);
        for (long i = 0; i < window; i++) {
            all[i] = transfer_new();
            transfer_start(multi, all[i]);
        }
        state.started = window;
        done = run_until(multi, args.count, restart, &state, &result.ok, &result.failed);
        result.bytes = state.bytes;
        for (long i = 0; i < window; i++)
            transfer_free(all[i]);
        free(all);
        break;
    }
    case BENCH_TASKS: {
        Transfer *warm = transfer_new();
        transfer_start(multi, warm);
        long warm_ok = 0, warm_failed = 0;
        done = run_until(multi, 1, NULL, NULL, &warm_ok, &warm_failed) && warm_ok == 1;
        result.baseline_kib = bench_memory_kib("VmRSS");
        Transfer **all = calloc((size_t)args.count, sizeof *all);
        for (long i = 0; i < args.count; i++) {
            all[i] = transfer_new();
            transfer_start(multi, all[i]);
        }
        done = done && run_until(multi, args.count, keep_bytes, &state, &result.ok, &result.failed);
        result.hwm_kib = bench_memory_kib("VmHWM");
        result.bytes = state.bytes;
        for (long i = 0; i < args.count; i++)
            transfer_free(all[i]);
        free(all);
        transfer_free(warm);
        break;
    }
    case BENCH_TTFB: {
        static double fresh[TTFB_MAX], reused[TTFB_MAX];
        long count = args.count < TTFB_MAX ? args.count : TTFB_MAX;
        done = true;
        for (long i = 0; i < count && done; i++) {
            CURLM *own = multi_new();
            Transfer *t = transfer_new();
            for (int j = 0; j < 2 && done; j++) {
                transfer_start(own, t);
                done = run_until(own, 1, NULL, NULL, &result.ok, &result.failed);
                (j == 0 ? fresh : reused)[i] = (t->header_at - t->start) * 1e3;
            }
            transfer_free(t);
            curl_multi_cleanup(own);
        }
        result.ttfb_fresh_ms = bench_median(fresh, (size_t)count);
        result.ttfb_reused_ms = bench_median(reused, (size_t)count);
        break;
    }
    }
    if (result.hwm_kib == 0)
        result.hwm_kib = bench_memory_kib("VmHWM");
    result.failed += done ? 0 : 1;
    result.protocol = protocol;
    bench_print_result(&result);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return done && result.failed == 0 ? 0 : 1;
}
