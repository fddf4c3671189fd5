/* timer.h — re-armable one-shot timers on the network thread. */
#ifndef URL_HTTP_TIMER_H
#define URL_HTTP_TIMER_H

#include <glib.h>

typedef void (*UrlTimerFunc)(void *data);

/* A timer; its fields are private to timer.c. It may be embedded in its owner
 * (url__timer_init / url__timer_clear) or allocated (url__timer_new / url__timer_free).
 * A zero-filled UrlTimer is a cleared one: url__timer_clear on it does nothing. */
typedef struct UrlTimer {
    UrlTimerFunc func;
    void *data;
    gint64 deadline; /* g_get_monotonic_time() scale; -1: disarmed */
    gint64 key;      /* its place in the heap: <= deadline while armed */
    guint heap_pos;  /* 1-based index in the heap; 0: not in it */
    guint armed_in;  /* the dispatch round it was armed in */
} UrlTimer;

/* Every function below is for the network thread only. */

/* Makes a disarmed timer in place, or a new one (free it with url__timer_free). */
void url__timer_init(UrlTimer *timer, UrlTimerFunc func, void *data);
UrlTimer *url__timer_new(UrlTimerFunc func, void *data);
/* Arms it to fire once at @deadline_us (g_get_monotonic_time() scale); replaces any
 * earlier deadline. */
void url__timer_arm_at(UrlTimer *timer, gint64 deadline_us);
/* Arms it to fire @seconds from now. */
void url__timer_arm_in(UrlTimer *timer, double seconds);
void url__timer_disarm(UrlTimer *timer);
/* Disarms it for good (an embedded timer; arming it later does nothing until it is
 * made again). Safe from inside any timer's callback, its own included. */
void url__timer_clear(UrlTimer *timer);
void url__timer_free(UrlTimer *timer);

/* For a GSource of the network thread that keeps its own deadline (@deadline in
 * g_get_monotonic_time() scale, -1 for none): its prepare and check. A deadline changed
 * from inside a dispatch on the network thread needs no wakeup, as the loop prepares
 * again before it sleeps. */
gboolean url__deadline_prepare(GSource *source, gint64 deadline, gint *timeout);
gboolean url__deadline_passed(GSource *source, gint64 deadline);

#endif
