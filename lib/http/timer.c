/* timer.c — a re-armable one-shot timer on the network thread.
 *
 * Idle timeouts move on every received chunk; moving a GSource's ready time costs a
 * store, where removing and re-adding a timeout source would cost allocations. */
#include "http/timer.h"

#include "http/network_thread.h"

struct UrlTimer {
    GSource source;
    UrlTimerFunc func;
    void *data;
};

static gboolean timer_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    UrlTimer *self = (UrlTimer *)source;
    g_source_set_ready_time(source, -1);
    self->func(self->data);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_funcs = {.dispatch = timer_dispatch};

UrlTimer *url__timer_new(UrlTimerFunc func, void *data)
{
    UrlTimer *self = (UrlTimer *)g_source_new(&timer_funcs, sizeof(UrlTimer));
    self->func = func;
    self->data = data;
    g_source_set_name(&self->source, "urlsession timer");
    g_source_set_ready_time(&self->source, -1);
    g_source_attach(&self->source, url__network_context());
    return self;
}

void url__timer_arm_at(UrlTimer *self, gint64 deadline_us)
{
    g_source_set_ready_time(&self->source, deadline_us < 0 ? 0 : deadline_us);
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
    g_source_set_ready_time(&self->source, -1);
}

void url__timer_free(UrlTimer *self)
{
    if (self == NULL)
        return;
    g_source_destroy(&self->source);
    g_source_unref(&self->source);
}
