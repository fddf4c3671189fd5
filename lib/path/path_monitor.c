/* path_monitor.c — UrlPathMonitor, the public face of the path monitor: its own
 * interface type overrides, a path made from each change of the host's links, and the
 * application's callback on its queue. */
#include <urlsession/path_monitor.h>

#include <urlsession/queue.h>

#include "http/network_thread.h"
#include "path/interface_type.h"
#include "path/monitor.h"
#include "path/path.h"
#include "session/configuration.h"
#include "session/queue.h"

struct UrlPathMonitor {
    int ref_count; /* atomic */
    GHashTable *overrides;
    GMutex lock; /* guards what follows */
    UrlPath *current;
    UrlQueue *queue;
    UrlPathUpdateFunc update;
    void *user_data;
    bool started;
    bool cancelled;
    /* network thread only */
    guint watch;
};

UrlPathMonitor *url_path_monitor_new(const UrlSessionConfiguration *configuration)
{
    UrlPathMonitor *self = g_new0(UrlPathMonitor, 1);
    self->ref_count = 1;
    self->overrides =
        url__interface_overrides_copy(configuration ? configuration->interface_types : NULL);
    g_mutex_init(&self->lock);
    return self;
}

UrlPathMonitor *url_path_monitor_ref(UrlPathMonitor *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_atomic_int_inc(&self->ref_count);
    return self;
}

void url_path_monitor_unref(UrlPathMonitor *self)
{
    if (self == NULL || !g_atomic_int_dec_and_test(&self->ref_count))
        return;
    /* The network thread holds a reference while it watches: nothing watches now. */
    g_hash_table_unref(self->overrides);
    url_path_unref(self->current);
    url_queue_unref(self->queue);
    g_mutex_clear(&self->lock);
    g_free(self);
}

typedef struct {
    UrlPathMonitor *monitor;
    UrlPath *path;
} Update;

static void run_update(void *data)
{
    Update *update = data;
    UrlPathMonitor *self = update->monitor;
    g_mutex_lock(&self->lock);
    bool cancelled = self->cancelled;
    g_mutex_unlock(&self->lock);
    if (!cancelled)
        self->update(self, update->path, self->user_data);
}

static void free_update(void *data)
{
    Update *update = data;
    url_path_unref(update->path);
    url_path_monitor_unref(update->monitor);
    g_free(update);
}

static void on_links(const UrlLinkState *state, void *data)
{
    UrlPathMonitor *self = data;
    UrlPath *path = url__path_new(state, self->overrides, "/sys/class/net");
    g_mutex_lock(&self->lock);
    bool changed = !url__path_equal(path, self->current) && !self->cancelled;
    if (changed) {
        url_path_unref(self->current);
        self->current = url_path_ref(path);
    }
    g_mutex_unlock(&self->lock);
    if (changed) {
        Update *update = g_new(Update, 1);
        update->monitor = url_path_monitor_ref(self);
        update->path = path;
        url__queue_push(self->queue, run_update, update, free_update);
    } else {
        url_path_unref(path);
    }
}

static void start_job(void *data)
{
    UrlPathMonitor *self = data;
    g_mutex_lock(&self->lock);
    bool cancelled = self->cancelled;
    g_mutex_unlock(&self->lock);
    if (cancelled)
        return;
    self->watch = url__path_watch_add(on_links, url_path_monitor_ref(self));
    on_links(url__path_links(), self);
}

void url_path_monitor_start(UrlPathMonitor *self, UrlQueue *queue, UrlPathUpdateFunc update,
                            void *user_data)
{
    g_return_if_fail(self != NULL && queue != NULL && update != NULL);
    g_mutex_lock(&self->lock);
    bool first = !self->started && !self->cancelled;
    if (first) {
        self->started = true;
        self->queue = url_queue_ref(queue);
        self->update = update;
        self->user_data = user_data;
    }
    g_mutex_unlock(&self->lock);
    if (first)
        url__network_invoke(start_job, url_path_monitor_ref(self),
                            (GDestroyNotify)url_path_monitor_unref);
}

static void cancel_job(void *data)
{
    UrlPathMonitor *self = data;
    if (self->watch == 0)
        return;
    url__path_watch_remove(self->watch);
    self->watch = 0;
    url_path_monitor_unref(self); /* the watch's reference */
}

void url_path_monitor_cancel(UrlPathMonitor *self)
{
    g_return_if_fail(self != NULL);
    g_mutex_lock(&self->lock);
    bool was = self->cancelled;
    self->cancelled = true;
    bool started = self->started;
    g_mutex_unlock(&self->lock);
    if (!was && started)
        url__network_invoke(cancel_job, url_path_monitor_ref(self),
                            (GDestroyNotify)url_path_monitor_unref);
}

UrlPath *url_path_monitor_copy_current_path(UrlPathMonitor *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_mutex_lock(&self->lock);
    UrlPath *path = self->current ? url_path_ref(self->current) : NULL;
    g_mutex_unlock(&self->lock);
    return path;
}
