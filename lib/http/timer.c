/* timer.c — a re-armable one-shot timer on the network thread.
 *
 * Idle timeouts move on every received chunk, and every task has a few timers. The
 * deadline is a field that the source's prepare and check read: arming costs a store.
 * g_source_set_ready_time() would also write the context's wakeup eventfd each time, a
 * system call (and a spurious loop iteration) per arm. */
#include "http/timer.h"

#include "http/network_thread.h"

struct UrlTimer {
    GSource source;
    UrlTimerFunc func;
    void *data;
    gint64 deadline; /* g_get_monotonic_time() scale; -1: disarmed */
};

gboolean url__deadline_prepare(GSource *source, gint64 deadline, gint *timeout)
{
    if (deadline < 0) {
        *timeout = -1;
        return FALSE;
    }
    gint64 left = deadline - g_source_get_time(source);
    if (left <= 0) {
        *timeout = 0;
        return TRUE;
    }
    gint64 ms = (left + 999) / 1000;
    *timeout = ms > G_MAXINT ? G_MAXINT : (gint)ms;
    return FALSE;
}

gboolean url__deadline_passed(GSource *source, gint64 deadline)
{
    return deadline >= 0 && g_source_get_time(source) >= deadline;
}

static gboolean timer_prepare(GSource *source, gint *timeout)
{
    return url__deadline_prepare(source, ((UrlTimer *)source)->deadline, timeout);
}

static gboolean timer_check(GSource *source)
{
    return url__deadline_passed(source, ((UrlTimer *)source)->deadline);
}

static gboolean timer_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    UrlTimer *self = (UrlTimer *)source;
    self->deadline = -1;
    self->func(self->data);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_funcs = {
    .prepare = timer_prepare,
    .check = timer_check,
    .dispatch = timer_dispatch,
};

UrlTimer *url__timer_new(UrlTimerFunc func, void *data)
{
    UrlTimer *self = (UrlTimer *)g_source_new(&timer_funcs, sizeof(UrlTimer));
    self->func = func;
    self->data = data;
    self->deadline = -1;
    g_source_set_name(&self->source, "urlsession timer");
    g_source_attach(&self->source, url__network_context());
    return self;
}

void url__timer_arm_at(UrlTimer *self, gint64 deadline_us)
{
    self->deadline = deadline_us < 0 ? 0 : deadline_us;
    /* The loop reads the deadline before it sleeps; only another thread must wake it. */
    GMainContext *context = url__network_context();
    if (!g_main_context_is_owner(context))
        g_main_context_wakeup(context);
}

void url__timer_arm_in(UrlTimer *self, double seconds)
{
    if (seconds < 0)
        seconds = 0;
    if (seconds > 1e9)
        seconds = 1e9; /* "7 days" and beyond: far enough, and no overflow */
    url__timer_arm_at(self, g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC));
}

void url__timer_disarm(UrlTimer *self)
{
    self->deadline = -1;
}

void url__timer_free(UrlTimer *self)
{
    if (self == NULL)
        return;
    g_source_destroy(&self->source);
    g_source_unref(&self->source);
}
