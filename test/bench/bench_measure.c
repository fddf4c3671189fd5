/* bench_measure.c — command line, clock, memory and result line of the C contenders. */
#include "bench_measure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void)
{
    fprintf(stderr, "usage: CLIENT download|many|tasks|stream|ttfb URL [--to FILE] [--ca FILE]"
                    " [--http2] [--count N] [--window N] [--conns N] [--rate B/S]"
                    " [--timeout S]\n");
    exit(2);
}

static long parse_long(const char *text)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value <= 0)
        usage();
    return value;
}

void bench_parse_args(BenchArgs *args, int argc, char **argv)
{
    static const char *const modes[] = {"download", "many", "tasks", "stream", "ttfb"};
    memset(args, 0, sizeof *args);
    args->count = 1;
    args->window = 64;
    args->conns = 6;
    args->rate = 100e6;
    args->timeout = 600;
    if (argc < 3)
        usage();
    size_t m = 0;
    while (m < sizeof modes / sizeof modes[0] && strcmp(argv[1], modes[m]) != 0)
        m++;
    if (m == sizeof modes / sizeof modes[0])
        usage();
    args->mode = (BenchMode)m;
    args->url = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *option = argv[i];
        if (strcmp(option, "--http2") == 0) {
            args->http2 = true;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        const char *value = argv[++i];
        if (strcmp(option, "--to") == 0)
            args->to = value;
        else if (strcmp(option, "--ca") == 0)
            args->ca = value;
        else if (strcmp(option, "--count") == 0)
            args->count = parse_long(value);
        else if (strcmp(option, "--window") == 0)
            args->window = parse_long(value);
        else if (strcmp(option, "--conns") == 0)
            args->conns = parse_long(value);
        else if (strcmp(option, "--rate") == 0)
            args->rate = (double)parse_long(value);
        else if (strcmp(option, "--timeout") == 0)
            args->timeout = (double)parse_long(value);
        else
            usage();
    }
}

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long bench_memory_kib(const char *field)
{
    FILE *status = fopen("/proc/self/status", "r");
    if (!status)
        return -1;
    char line[256];
    size_t length = strlen(field);
    long kib = -1;
    while (fgets(line, sizeof line, status)) {
        if (strncmp(line, field, length) == 0 && line[length] == ':') {
            kib = strtol(line + length + 1, NULL, 10);
            break;
        }
    }
    fclose(status);
    return kib;
}

void bench_pace(double start, int64_t consumed, double rate)
{
    double due = start + (double)consumed / rate;
    double wait = due - bench_now();
    if (wait <= 0)
        return;
    struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *values, size_t count)
{
    if (count == 0)
        return -1;
    qsort(values, count, sizeof *values, compare_doubles);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

void bench_print_result(const BenchResult *r)
{
    printf("{\"bytes\": %lld, \"ok\": %ld, \"failed\": %ld, \"baseline_kib\": %ld, "
           "\"hwm_kib\": %ld, \"ttfb_fresh_ms\": %.4f, \"ttfb_reused_ms\": %.4f, "
           "\"protocol\": \"%s\"}\n",
           (long long)r->bytes, r->ok, r->failed, r->baseline_kib, r->hwm_kib, r->ttfb_fresh_ms,
           r->ttfb_reused_ms, r->protocol ? r->protocol : "");
    fflush(stdout);
}
