/* test_timer.c — the network thread's timers (lib/http/timer.c): one GSource with a heap
 * of timers; order of firing, disarming, moving deadlines, and callbacks that free, clear
 * or re-arm timers. Each scenario runs on the network thread; the test thread waits. */
#include <glib.h>

#include "http/network_thread.h"
#include "http/timer.h"

#define TIMERS 6

typedef struct {
    GAsyncQueue *done;
    UrlTimer embedded[TIMERS];
    UrlTimer *allocated;
    GString *fired; /* the ids of the timers that fired, in order */
    int self_rearms;
} Scenario;

typedef struct {
    Scenario *scenario;
    int id;
} Slot;

static Slot slots[TIMERS + 1];

static void finish_scenario(Scenario *s)
{
    g_async_queue_push(s->done, s);
}

static void record(void *data)
{
    Slot *slot = data;
    g_string_append_printf(slot->scenario->fired, "%d", slot->id);
}

static void record_and_maybe_finish(void *data)
{
    record(data);
    Slot *slot = data;
    if (slot->id == 9)
        finish_scenario(slot->scenario);
}

/* Every timer leaves the heap before the scenario's memory goes (a disarmed one stays in
 * it until it reaches the top or is cleared). */
static void cleanup_scenario(void *data)
{
    Scenario *s = data;
    for (int i = 0; i < TIMERS; i++)
        url__timer_clear(&s->embedded[i]);
    url__timer_free(s->allocated);
    s->allocated = NULL;
    finish_scenario(s);
}

static void run_on_network_thread(Scenario *s, UrlJobFunc func)
{
    s->done = g_async_queue_new();
    s->fired = g_string_new(NULL);
    url__network_invoke(func, s, NULL);
    g_assert_nonnull(g_async_queue_timeout_pop(s->done, 10 * G_USEC_PER_SEC));
}

static void end_scenario(Scenario *s)
{
    url__network_invoke(cleanup_scenario, s, NULL);
    g_assert_nonnull(g_async_queue_timeout_pop(s->done, 10 * G_USEC_PER_SEC));
    g_async_queue_unref(s->done);
    g_string_free(s->fired, TRUE);
}

/* Deadlines 50, 10, 30, 20, 40 ms; the 30 ms one disarmed, the 10 ms one moved to 60 ms
 * (a later deadline only stores it: the heap key catches up), and an allocated timer at
 * 70 ms ends the scenario. */
static void order_scenario(void *data)
{
    Scenario *s = data;
    const int ms[] = {50, 10, 30, 20, 40};
    for (int i = 0; i < 5; i++) {
        slots[i] = (Slot){s, i};
        url__timer_init(&s->embedded[i], record, &slots[i]);
        url__timer_arm_in(&s->embedded[i], ms[i] / 1000.0);
    }
    url__timer_disarm(&s->embedded[2]);
    url__timer_arm_in(&s->embedded[1], 0.060);
    slots[TIMERS] = (Slot){s, 9};
    s->allocated = url__timer_new(record_and_maybe_finish, &slots[TIMERS]);
    url__timer_arm_in(s->allocated, 0.070);
}

static void test_order(void)
{
    Scenario s = {0};
    run_on_network_thread(&s, order_scenario);
    g_assert_cmpstr(s.fired->str, ==, "34019");
    end_scenario(&s);
}

/* Timer 0 (due first) frees the allocated timer and clears timer 1, both due at the same
 * time, and arms timer 2 for now: 2 fires, 1 and the allocated one never do. */
static void on_first(void *data)
{
    Slot *slot = data;
    Scenario *s = slot->scenario;
    record(data);
    url__timer_free(s->allocated);
    s->allocated = NULL;
    url__timer_clear(&s->embedded[1]);
    url__timer_arm_in(&s->embedded[1], 0); /* cleared: does nothing */
    url__timer_arm_in(&s->embedded[2], 0);
    url__timer_clear(&s->embedded[0]); /* itself, from its own callback */
}

static void on_third(void *data)
{
    record(data);
    Slot *slot = data;
    finish_scenario(slot->scenario);
}

static void clear_scenario(void *data)
{
    Scenario *s = data;
    for (int i = 0; i < 3; i++)
        slots[i] = (Slot){s, i};
    url__timer_init(&s->embedded[0], on_first, &slots[0]);
    url__timer_init(&s->embedded[1], record, &slots[1]);
    url__timer_init(&s->embedded[2], on_third, &slots[2]);
    slots[TIMERS] = (Slot){s, 9};
    s->allocated = url__timer_new(record, &slots[TIMERS]);
    url__timer_arm_in(&s->embedded[0], 0.010);
    url__timer_arm_in(&s->embedded[1], 0.020);
    url__timer_arm_in(s->allocated, 0.020);
}

static void test_callbacks_free_and_clear(void)
{
    Scenario s = {0};
    run_on_network_thread(&s, clear_scenario);
    g_assert_cmpstr(s.fired->str, ==, "02");
    g_assert_null(s.allocated);
    end_scenario(&s);
}

/* A callback that re-arms its own timer for now fires again on a later iteration
 * (the loop is not held in one dispatch), here four times in all. */
static void on_rearm(void *data)
{
    Slot *slot = data;
    Scenario *s = slot->scenario;
    record(data);
    if (++s->self_rearms < 4) {
        url__timer_arm_in(&s->embedded[0], 0);
        return;
    }
    url__timer_clear(&s->embedded[0]);
    finish_scenario(s);
}

static void rearm_scenario(void *data)
{
    Scenario *s = data;
    slots[0] = (Slot){s, 0};
    url__timer_init(&s->embedded[0], on_rearm, &slots[0]);
    url__timer_arm_at(&s->embedded[0], -5); /* the past: as soon as possible */
}

static void test_rearm_for_now(void)
{
    Scenario s = {0};
    run_on_network_thread(&s, rearm_scenario);
    g_assert_cmpstr(s.fired->str, ==, "0000");
    end_scenario(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/timer/order", test_order);
    g_test_add_func("/timer/callbacks-free-and-clear", test_callbacks_free_and_clear);
    g_test_add_func("/timer/rearm-for-now", test_rearm_for_now);
    return g_test_run();
}
