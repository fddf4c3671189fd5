/* queue_driver.c — who runs a session's manual queue, and how blocking waits share it.
 *
 * Every Session has its own manual queue, so every delegate callback runs on a thread
 * that holds the GIL and called into the extension: a blocking wait, the asyncio
 * loop's reader, or an explicit dispatch. The rules:
 *
 * - url_queue_dispatch() runs under dispatch_lock, with the GIL held: one thread at a
 *   time runs the session's callbacks, in order. A thread waits for dispatch_lock with
 *   the GIL released, so the dispatching thread can always take the GIL back.
 * - Among blocking waiters, one is the poller: it polls the queue's fd with the GIL
 *   released and then dispatches. The others sleep on a condition variable that is
 *   broadcast after every dispatch, and re-check what they wait for. When the poller
 *   is done it hands the role over by broadcasting.
 * - A dispatch by someone else (the asyncio loop) also wakes the poller, through a
 *   second eventfd, so that a wait ends as soon as its task completes.
 * - Waiting from inside a callback of the same session would wait for itself: it
 *   raises RuntimeError instead.
 * - Waits sleep at most 100 ms at a time so that Ctrl-C (a Python signal handler) is
 *   seen promptly.
 */
#include "module.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define SIGNAL_SLICE 0.1

/* The sessions whose callbacks the calling thread is running, innermost first. */
struct dispatch_frame {
    SessionCore *core;
    struct dispatch_frame *outer;
};

static _Thread_local struct dispatch_frame *dispatching_here;

static int wake_fd_of(SessionCore *core)
{
    return core->wake_fd;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

SessionCore *url_py_core_new(void)
{
    SessionCore *core = calloc(1, sizeof *core);
    if (!core)
        return NULL;
    core->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (core->wake_fd < 0) {
        free(core);
        return NULL;
    }
    core->queue = url_queue_new_manual();
    core->fd = url_queue_get_fd(core->queue);
    pthread_mutex_init(&core->dispatch_lock, NULL);
    pthread_mutex_init(&core->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&core->cond, &attr);
    pthread_condattr_destroy(&attr);
    return core;
}

void url_py_core_free(SessionCore *core)
{
    if (!core)
        return;
    url_queue_unref(core->queue);
    close(core->wake_fd);
    pthread_cond_destroy(&core->cond);
    pthread_mutex_destroy(&core->lock);
    pthread_mutex_destroy(&core->dispatch_lock);
    free(core);
}

bool url_py_core_is_dispatching_here(SessionCore *core)
{
    for (struct dispatch_frame *f = dispatching_here; f; f = f->outer)
        if (f->core == core)
            return true;
    return false;
}

size_t url_py_core_dispatch(SessionCore *core)
{
    if (url_py_core_is_dispatching_here(core))
        return 0; /* a nested dispatch would run later callbacks before earlier ones */
    if (pthread_mutex_trylock(&core->dispatch_lock) != 0) {
        Py_BEGIN_ALLOW_THREADS pthread_mutex_lock(&core->dispatch_lock);
        Py_END_ALLOW_THREADS
    }
    struct dispatch_frame frame = {core, dispatching_here};
    dispatching_here = &frame;
    size_t count = url_queue_dispatch(core->queue);
    dispatching_here = frame.outer;
    pthread_mutex_unlock(&core->dispatch_lock);

    pthread_mutex_lock(&core->lock);
    if (core->polling && count > 0) {
        uint64_t one = 1;
        ssize_t written = write(wake_fd_of(core), &one, sizeof one);
        (void)written; /* EAGAIN: the poller is already due to wake */
    }
    pthread_cond_broadcast(&core->cond);
    pthread_mutex_unlock(&core->lock);
    return count;
}

static void add_seconds(struct timespec *ts, double seconds)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    long long ns = (long long)ts->tv_nsec + (long long)(seconds * 1e9);
    ts->tv_sec += (time_t)(ns / 1000000000LL);
    ts->tv_nsec = (long)(ns % 1000000000LL);
}

int url_py_core_drive(SessionCore *core, double timeout, UrlPyPredicate done, void *arg)
{
    if (url_py_core_is_dispatching_here(core)) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot wait from a delegate callback of the same session: its "
                        "callbacks run one at a time, so the wait would wait for itself");
        return -1;
    }
    double deadline = timeout < 0 ? -1 : now() + timeout;
    for (;;) {
        if (done(arg))
            return 1;
        double left = SIGNAL_SLICE;
        if (deadline >= 0) {
            double remaining = deadline - now();
            if (remaining <= 0)
                return 0;
            if (remaining < left)
                left = remaining;
        }
        if (PyErr_CheckSignals() < 0)
            return -1;

        bool poller = false;
        int ready = 0;
        Py_BEGIN_ALLOW_THREADS pthread_mutex_lock(&core->lock);
        if (!core->polling) {
            core->polling = true;
            poller = true;
        } else {
            struct timespec until;
            add_seconds(&until, left);
            pthread_cond_timedwait(&core->cond, &core->lock, &until);
        }
        pthread_mutex_unlock(&core->lock);
        if (poller) {
            struct pollfd fds[2] = {{.fd = core->fd, .events = POLLIN},
                                    {.fd = wake_fd_of(core), .events = POLLIN}};
            int n = poll(fds, 2, (int)(left * 1000.0) + 1);
            if (n > 0 && (fds[1].revents & POLLIN)) {
                uint64_t counter;
                ssize_t got = read(wake_fd_of(core), &counter, sizeof counter);
                (void)got;
            }
            ready = n > 0 && (fds[0].revents & POLLIN);
        }
        Py_END_ALLOW_THREADS

            if (poller)
        {
            if (ready)
                url_py_core_dispatch(core);
            pthread_mutex_lock(&core->lock);
            core->polling = false;
            pthread_cond_broadcast(&core->cond);
            pthread_mutex_unlock(&core->lock);
        }
    }
}
