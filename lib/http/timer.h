/* timer.h — a re-armable one-shot timer on the network thread. */
#ifndef URL_HTTP_TIMER_H
#define URL_HTTP_TIMER_H

#include <glib.h>

typedef struct UrlTimer UrlTimer;
typedef void (*UrlTimerFunc)(void *data);

/* Creates a disarmed timer on the network context. Network thread only. */
UrlTimer *url__timer_new(UrlTimerFunc func, void *data);
/* Arms it to fire once at @deadline_us (g_get_monotonic_time() scale); replaces any
 * earlier deadline. */
void url__timer_arm_at(UrlTimer *timer, gint64 deadline_us);
/* Arms it to fire @seconds from now. */
void url__timer_arm_in(UrlTimer *timer, double seconds);
void url__timer_disarm(UrlTimer *timer);
void url__timer_free(UrlTimer *timer);

/* For a GSource of the network thread that keeps its own deadline (@deadline in
 * g_get_monotonic_time() scale, -1 for none): its prepare and check. A deadline changed
 * from inside a dispatch on the network thread needs no wakeup, as the loop prepares
 * again before it sleeps. */
gboolean url__deadline_prepare(GSource *source, gint64 deadline, gint *timeout);
gboolean url__deadline_passed(GSource *source, gint64 deadline);

#endif
