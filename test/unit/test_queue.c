/* test_queue.c — delegate queues: order, the thread callbacks run on, the manual queue's
 * fd, and a serial queue released from its own callback. */
#include "session/queue.h"

#include <poll.h>
#include <unistd.h>

#include <urlsession/glib.h>

#define JOBS 1000

typedef struct {
    GMutex lock;
    GArray *order;
    GThread *thread;
    bool wrong_thread;
} Log;

typedef struct {
    Log *log;
    int index;
} Job;

static void record(void *data)
{
    Job *job = data;
    g_mutex_lock(&job->log->lock);
    if (job->log->thread == NULL)
        job->log->thread = g_thread_self();
    else if (job->log->thread != g_thread_self())
        job->log->wrong_thread = true;
    g_array_append_val(job->log->order, job->index);
    g_mutex_unlock(&job->log->lock);
}

static void push_jobs(UrlQueue *queue, Log *log)
{
    for (int i = 0; i < JOBS; i++) {
        Job *job = g_new(Job, 1);
        job->log = log;
        job->index = i;
        url__queue_push(queue, record, job, g_free);
    }
}

static void assert_in_order(Log *log)
{
    g_assert_cmpuint(log->order->len, ==, JOBS);
    for (int i = 0; i < JOBS; i++)
        g_assert_cmpint(g_array_index(log->order, int, i), ==, i);
    g_assert_false(log->wrong_thread);
}

static void log_init(Log *log)
{
    g_mutex_init(&log->lock);
    log->order = g_array_new(FALSE, FALSE, sizeof(int));
    log->thread = NULL;
    log->wrong_thread = false;
}

static void log_clear(Log *log)
{
    g_array_free(log->order, TRUE);
    g_mutex_clear(&log->lock);
}

static guint logged(Log *log)
{
    g_mutex_lock(&log->lock);
    guint n = log->order->len;
    g_mutex_unlock(&log->lock);
    return n;
}

static void test_serial_runs_in_order_on_its_thread(void)
{
    Log log;
    log_init(&log);
    UrlQueue *queue = url_queue_new_serial("test-serial");
    g_assert_cmpint(url__queue_get_kind(queue), ==, URL_QUEUE_SERIAL);
    g_assert_cmpint(url_queue_get_fd(queue), ==, -1);
    push_jobs(queue, &log);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (logged(&log) < JOBS && g_get_monotonic_time() < deadline)
        g_usleep(1000);
    assert_in_order(&log);
    g_assert_true(log.thread != g_thread_self());
    url_queue_unref(queue);
    log_clear(&log);
}

static void test_manual_runs_only_when_dispatched(void)
{
    Log log;
    log_init(&log);
    UrlQueue *queue = url_queue_new_manual();
    int fd = url_queue_get_fd(queue);
    g_assert_cmpint(fd, >=, 0);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    g_assert_cmpint(poll(&pfd, 1, 0), ==, 0);
    g_assert_false(url_queue_wait(queue, 0.01));

    push_jobs(queue, &log);
    g_assert_cmpuint(logged(&log), ==, 0);
    g_assert_cmpint(poll(&pfd, 1, 1000), ==, 1);
    g_assert_true(url_queue_wait(queue, 0));
    g_assert_cmpuint(url_queue_dispatch(queue), ==, JOBS);
    assert_in_order(&log);
    g_assert_true(log.thread == g_thread_self());
    /* Drained: the fd is quiet again and a dispatch runs nothing. */
    g_assert_cmpint(poll(&pfd, 1, 0), ==, 0);
    g_assert_cmpuint(url_queue_dispatch(queue), ==, 0);
    url_queue_unref(queue);
    log_clear(&log);
}

static void test_glib_runs_on_the_iterating_thread(void)
{
    Log log;
    log_init(&log);
    GMainContext *context = g_main_context_new();
    UrlQueue *queue = url_queue_new_glib(context);
    g_assert_true(url__queue_get_context(queue) == context);
    push_jobs(queue, &log);
    g_assert_cmpuint(logged(&log), ==, 0);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (logged(&log) < JOBS && g_get_monotonic_time() < deadline)
        g_main_context_iteration(context, FALSE);
    assert_in_order(&log);
    g_assert_true(log.thread == g_thread_self());
    url_queue_unref(queue);
    g_main_context_unref(context);
    log_clear(&log);
}

/* The last reference may be dropped inside one of the queue's own callbacks. */
static UrlQueue *self_releasing_queue;
static gint released;

static void release_queue(void *data)
{
    g_assert_true(url__queue_is_current(self_releasing_queue));
    url_queue_unref(self_releasing_queue);
    g_atomic_int_set(&released, 1);
}

static void test_serial_released_from_its_own_callback(void)
{
    self_releasing_queue = url_queue_new_serial(NULL);
    g_assert_false(url__queue_is_current(self_releasing_queue));
    url__queue_push(self_releasing_queue, release_queue, NULL, NULL);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!g_atomic_int_get(&released) && g_get_monotonic_time() < deadline)
        g_usleep(1000);
    g_assert_cmpint(g_atomic_int_get(&released), ==, 1);
}

static gint destroyed;

static void count_destroy(void *data)
{
    g_atomic_int_inc(&destroyed);
}

static void never_run(void *data)
{
    g_assert_not_reached();
}

/* Jobs still pending when a manual queue goes away are freed, not run. */
static void test_manual_frees_pending_jobs(void)
{
    UrlQueue *queue = url_queue_new_manual();
    for (int i = 0; i < 10; i++)
        url__queue_push(queue, never_run, NULL, count_destroy);
    url_queue_unref(queue);
    g_assert_cmpint(g_atomic_int_get(&destroyed), ==, 10);
}

/* A dispatch from inside the queue's own callback would reorder callbacks: refused. */
static size_t nested_result = 99;

static void dispatch_nested(void *data)
{
    g_test_expect_message("urlsession", G_LOG_LEVEL_CRITICAL, "*own callbacks*");
    nested_result = url_queue_dispatch(data);
    g_test_assert_expected_messages();
}

static void test_manual_refuses_nested_dispatch(void)
{
    UrlQueue *queue = url_queue_new_manual();
    Log log;
    log_init(&log);
    url__queue_push(queue, dispatch_nested, queue, NULL);
    push_jobs(queue, &log);
    g_assert_cmpuint(url_queue_dispatch(queue), ==, JOBS + 1);
    g_assert_cmpuint(nested_result, ==, 0);
    assert_in_order(&log);
    url_queue_unref(queue);
    log_clear(&log);
}

/* Two threads dispatching one queue never run callbacks at the same time. */
static gint inside;
static gint overlapped;

static void exclusive_job(void *data)
{
    if (g_atomic_int_add(&inside, 1) != 0)
        g_atomic_int_set(&overlapped, 1);
    g_usleep(200);
    g_atomic_int_add(&inside, -1);
}

static gpointer dispatch_until_empty(gpointer data)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (url_queue_wait(data, 0.05) && g_get_monotonic_time() < deadline)
        url_queue_dispatch(data);
    return NULL;
}

static void test_manual_dispatchers_do_not_overlap(void)
{
    UrlQueue *queue = url_queue_new_manual();
    GThread *other = g_thread_new("second-dispatcher", dispatch_until_empty, queue);
    for (int i = 0; i < 500; i++) {
        url__queue_push(queue, exclusive_job, NULL, NULL);
        if (i % 10 == 0)
            url_queue_dispatch(queue);
    }
    dispatch_until_empty(queue);
    g_thread_join(other);
    g_assert_cmpint(g_atomic_int_get(&overlapped), ==, 0);
    url_queue_unref(queue);
}

/* Several producers, with pauses that let the serial thread fall asleep between bursts:
 * every job runs once, each producer's in its order (a push wakes the thread only when
 * it sleeps, so a lost wakeup would leave jobs behind). */
#define PRODUCERS 4
#define BURSTS    20
#define PER_BURST 25

typedef struct {
    UrlQueue *queue;
    int producer;
    GMutex *lock;
    int *next; /* per producer: the index its next job must carry */
    bool *misordered;
    gint *ran;
} Burst;

typedef struct {
    Burst *burst;
    int index;
} BurstJob;

static void run_burst_job(void *data)
{
    BurstJob *job = data;
    Burst *burst = job->burst;
    g_mutex_lock(burst->lock);
    if (!url__queue_is_current(burst->queue) || burst->next[burst->producer] != job->index)
        *burst->misordered = true;
    burst->next[burst->producer]++;
    g_mutex_unlock(burst->lock);
    g_atomic_int_inc(burst->ran);
}

static gpointer produce_bursts(gpointer data)
{
    Burst *burst = data;
    int index = 0;
    for (int b = 0; b < BURSTS; b++) {
        for (int i = 0; i < PER_BURST; i++) {
            BurstJob *job = g_new(BurstJob, 1);
            job->burst = burst;
            job->index = index++;
            url__queue_push(burst->queue, run_burst_job, job, g_free);
        }
        g_usleep(g_random_int_range(0, 2000));
    }
    return NULL;
}

static void test_serial_many_producers_with_sleeps(void)
{
    UrlQueue *queue = url_queue_new_serial("test-bursts");
    GMutex lock;
    g_mutex_init(&lock);
    int next[PRODUCERS] = {0};
    bool misordered = false;
    gint ran = 0;
    Burst bursts[PRODUCERS];
    GThread *threads[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++) {
        bursts[p] = (Burst){queue, p, &lock, next, &misordered, &ran};
        threads[p] = g_thread_new("producer", produce_bursts, &bursts[p]);
    }
    for (int p = 0; p < PRODUCERS; p++)
        g_thread_join(threads[p]);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (g_atomic_int_get(&ran) < PRODUCERS * BURSTS * PER_BURST &&
           g_get_monotonic_time() < deadline)
        g_usleep(1000);
    g_assert_cmpint(g_atomic_int_get(&ran), ==, PRODUCERS * BURSTS * PER_BURST);
    g_assert_false(misordered);
    g_assert_false(url__queue_is_current(queue));
    url_queue_unref(queue);
    g_mutex_clear(&lock);
}

/* A GLib queue's context asleep in poll on its thread is woken by a push from another
 * thread, every time (the source writes the wakeup fd only when the loop may sleep). */
typedef struct {
    GMainContext *context;
    gint ran;
    gint stop;
    gint wrong;
    UrlQueue *queue;
} Sleeper;

static void count_glib_job(void *data)
{
    Sleeper *sleeper = data;
    if (!url__queue_is_current(sleeper->queue))
        g_atomic_int_set(&sleeper->wrong, 1);
    g_atomic_int_inc(&sleeper->ran);
}

static void stop_sleeper(void *data)
{
    g_atomic_int_set(&((Sleeper *)data)->stop, 1);
}

static gpointer iterate_until_stopped(gpointer data)
{
    Sleeper *sleeper = data;
    g_main_context_push_thread_default(sleeper->context);
    while (!g_atomic_int_get(&sleeper->stop))
        g_main_context_iteration(sleeper->context, TRUE); /* blocks: no timeout anywhere */
    g_main_context_pop_thread_default(sleeper->context);
    return NULL;
}

static void test_glib_wakes_a_sleeping_context(void)
{
    Sleeper sleeper = {.context = g_main_context_new()};
    sleeper.queue = url_queue_new_glib(sleeper.context);
    GThread *thread = g_thread_new("glib-sleeper", iterate_until_stopped, &sleeper);
    for (int i = 1; i <= 200; i++) {
        url__queue_push(sleeper.queue, count_glib_job, &sleeper, NULL);
        gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        while (g_atomic_int_get(&sleeper.ran) < i && g_get_monotonic_time() < deadline)
            g_usleep(i % 2 ? 0 : 500); /* sometimes while it polls, sometimes not yet */
        g_assert_cmpint(g_atomic_int_get(&sleeper.ran), ==, i);
    }
    g_assert_false(url__queue_is_current(sleeper.queue));
    url__queue_push(sleeper.queue, stop_sleeper, &sleeper, NULL);
    g_thread_join(thread);
    g_assert_cmpint(g_atomic_int_get(&sleeper.wrong), ==, 0);
    url_queue_unref(sleeper.queue);
    g_main_context_unref(sleeper.context);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/queue/serial/order-and-thread", test_serial_runs_in_order_on_its_thread);
    g_test_add_func("/queue/serial/released-in-callback",
                    test_serial_released_from_its_own_callback);
    g_test_add_func("/queue/manual/dispatch", test_manual_runs_only_when_dispatched);
    g_test_add_func("/queue/manual/frees-pending", test_manual_frees_pending_jobs);
    g_test_add_func("/queue/manual/no-nested-dispatch", test_manual_refuses_nested_dispatch);
    g_test_add_func("/queue/manual/dispatchers-serialised", test_manual_dispatchers_do_not_overlap);
    g_test_add_func("/queue/glib/iterating-thread", test_glib_runs_on_the_iterating_thread);
    g_test_add_func("/queue/serial/producers-and-sleeps", test_serial_many_producers_with_sleeps);
    g_test_add_func("/queue/glib/wakes-sleeping-context", test_glib_wakes_a_sleeping_context);
    return g_test_run();
}
