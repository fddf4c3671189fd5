/* timer.c — re-armable one-shot timers on the network thread.
 *
 * Every running task has an idle and a resource timer, so with 64 tasks in flight a
 * GSource per timer made GLib walk 130 sources in every prepare and check, and cost a
 * source (three allocations) per timer. All timers are instead kept in one binary
 * min-heap owned by one GSource: prepare and check look at the heap's top, arming is
 * O(log n) at worst, and a timer may live inside its owner.
 *
 * Idle timeouts move later on every received chunk. A timer's heap key may therefore
 * lag behind its deadline: moving a deadline later only stores it, and the key catches
 * up when the timer reaches the top. Disarming also only stores; a disarmed timer leaves
 * the heap when it reaches the top, or when it is cleared. Arming does not wake the
 * loop: it happens on the network thread, which prepares again before it sleeps. */
#include "http/timer.h"

#include "http/network_thread.h"

static GSource *timer_source; /* network thread only, like every heap access */
static UrlTimer **heap;       /* 1-based: heap[1] has the smallest key */
static guint heap_len;
static guint heap_size;
/* Incremented at each dispatch: a timer armed during a dispatch (for "now", say) fires
 * in the next one, as it did with a source of its own, so a callback that re-arms its
 * own timer for now cannot keep the loop in one dispatch. */
static guint dispatch_round;

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

static void place(UrlTimer *timer, guint pos)
{
    heap[pos] = timer;
    timer->heap_pos = pos;
}

static void sift_up(guint pos)
{
    UrlTimer *timer = heap[pos];
    while (pos > 1 && heap[pos / 2]->key > timer->key) {
        place(heap[pos / 2], pos);
        pos /= 2;
    }
    place(timer, pos);
}

static void sift_down(guint pos)
{
    UrlTimer *timer = heap[pos];
    for (;;) {
        guint child = pos * 2;
        if (child > heap_len)
            break;
        if (child < heap_len && heap[child + 1]->key < heap[child]->key)
            child++;
        if (heap[child]->key >= timer->key)
            break;
        place(heap[child], pos);
        pos = child;
    }
    place(timer, pos);
}

static void heap_push(UrlTimer *timer)
{
    if (heap_len + 1 >= heap_size) {
        heap_size = heap_size ? heap_size * 2 : 64;
        heap = g_renew(UrlTimer *, heap, heap_size);
    }
    place(timer, ++heap_len);
    sift_up(heap_len);
}

static void heap_remove(UrlTimer *timer)
{
    guint pos = timer->heap_pos;
    UrlTimer *last = heap[heap_len--];
    timer->heap_pos = 0;
    if (last == timer)
        return;
    place(last, pos);
    sift_up(pos);
    sift_down(last->heap_pos);
}

/* The armed timer due first, after dropping disarmed ones and bringing lagging keys up
 * to their deadlines; NULL when none is armed. */
static UrlTimer *heap_top(void)
{
    while (heap_len > 0) {
        UrlTimer *top = heap[1];
        if (top->deadline < 0) {
            heap_remove(top);
        } else if (top->key < top->deadline) {
            top->key = top->deadline;
            sift_down(1);
        } else {
            return top;
        }
    }
    return NULL;
}

static gboolean timers_prepare(GSource *source, gint *timeout)
{
    UrlTimer *top = heap_top();
    return url__deadline_prepare(source, top ? top->deadline : -1, timeout);
}

static gboolean timers_check(GSource *source)
{
    UrlTimer *top = heap_top();
    return top != NULL && url__deadline_passed(source, top->deadline);
}

static gboolean timers_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    gint64 now = g_source_get_time(source);
    guint round = ++dispatch_round;
    /* One at a time from the top: a callback may arm, disarm or clear any timer. */
    for (;;) {
        UrlTimer *top = heap_top();
        if (top == NULL || top->deadline > now || top->armed_in == round)
            break;
        heap_remove(top);
        top->deadline = -1;
        top->func(top->data);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timers_funcs = {
    .prepare = timers_prepare,
    .check = timers_check,
    .dispatch = timers_dispatch,
};

void url__timer_init(UrlTimer *self, UrlTimerFunc func, void *data)
{
    g_return_if_fail(url__network_is_current_thread());
    if (timer_source == NULL) {
        timer_source = g_source_new(&timers_funcs, sizeof(GSource));
        g_source_set_name(timer_source, "urlsession timers");
        g_source_attach(timer_source, url__network_context());
    }
    *self = (UrlTimer){.func = func, .data = data, .deadline = -1};
}

UrlTimer *url__timer_new(UrlTimerFunc func, void *data)
{
    UrlTimer *self = g_new0(UrlTimer, 1); /* zero: a cleared timer, should init refuse */
    url__timer_init(self, func, data);
    return self;
}

void url__timer_arm_at(UrlTimer *self, gint64 deadline_us)
{
    if (self->func == NULL)
        return; /* cleared */
    self->deadline = deadline_us < 0 ? 0 : deadline_us;
    self->armed_in = dispatch_round;
    if (self->heap_pos == 0) {
        self->key = self->deadline;
        heap_push(self);
    } else if (self->deadline < self->key) {
        self->key = self->deadline;
        sift_up(self->heap_pos);
    }
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

void url__timer_clear(UrlTimer *self)
{
    if (self->heap_pos != 0)
        heap_remove(self);
    self->deadline = -1;
    self->func = NULL;
}

void url__timer_free(UrlTimer *self)
{
    if (self == NULL)
        return;
    url__timer_clear(self);
    g_free(self);
}
