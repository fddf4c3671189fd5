/* bench_measure.h — what every C contender of the benchmark shares: its command line,
 * a monotonic clock, the process's resident memory, pacing for a slow consumer, and the
 * one JSON line a contender prints for the runner (test/bench/bench.py). */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    BENCH_DOWNLOAD, /* one body: discarded (to == NULL) or written to a file */
    BENCH_MANY,     /* count small GETs, window in flight, over conns connections */
    BENCH_TASKS,    /* count requests started at once against a slow URL */
    BENCH_STREAM,   /* one body consumed at rate bytes per second */
    BENCH_TTFB,     /* count pairs: a fresh connection, then a reused one */
} BenchMode;

typedef struct {
    BenchMode mode;
    const char *url;
    const char *to;
    const char *ca;
    bool http2;
    long count;
    long window;
    long conns;
    double rate;
    double timeout; /* seconds for the whole run */
} BenchArgs;

/* Parses "MODE URL [--to FILE] [--ca FILE] [--http2] [--count N] [--window N] [--conns N]
 * [--rate BYTES_PER_S] [--timeout S]"; prints usage and exits 2 on a mistake. */
void bench_parse_args(BenchArgs *args, int argc, char **argv);

double bench_now(void);
/* VmRSS or VmHWM of this process in KiB (field is "VmRSS" or "VmHWM"). */
long bench_memory_kib(const char *field);
/* Sleeps until @consumed bytes are due at @rate bytes/s since @start. */
void bench_pace(double start, int64_t consumed, double rate);

/* Result fields; the runner reads the ones its scenario needs. */
typedef struct {
    int64_t bytes;
    long ok;
    long failed;
    long baseline_kib;
    long hwm_kib;
    double ttfb_fresh_ms; /* medians, ttfb mode */
    double ttfb_reused_ms;
    const char *protocol; /* "h2", "http/1.1" or NULL */
} BenchResult;

double bench_median(double *values, size_t count);
void bench_print_result(const BenchResult *result);

#endif
