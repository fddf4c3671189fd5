/* multi_driver.c — one libcurl multi handle on the network thread's GMainContext.
 *
 * A single GSource per multi carries every socket curl asks us to watch (as unix-fd tags)
 * and curl's timer (a deadline its prepare and check read), so one dispatch serves both
 * and socket_action is never called from inside curl's own callbacks. curl moves its
 * timer several times per request: a deadline field costs a store where
 * g_source_set_ready_time() would cost an eventfd write each time. */
#include "http/multi_driver.h"

#include <stdbool.h>

#include <glib-unix.h>

#include "http/network_thread.h"
#include "http/timer.h"

/* Easy handles kept for the session's next transfers: curl_easy_init and curl_easy_cleanup
 * (with the receive buffer's mmap and page faults) cost more than a small request over a
 * reused connection. As many as an application usually has in flight are kept while it is
 * busy; each holds its receive buffer, so a session quiet for a while keeps only a few. */
#define SPARE_EASY_HANDLES 64
#define SPARE_EASY_IDLE    4
#define SPARE_TRIM_SECONDS 2.0

struct UrlMultiDriver {
    GSource source;
    CURLM *multi;
    GHashTable *watches; /* curl_socket_t -> tag from g_source_add_unix_fd */
    UrlMultiDoneFunc done;
    void *done_data;
    gint64 deadline; /* curl's timer, g_source_get_time() scale; -1: none */
    CURL *spare[SPARE_EASY_HANDLES];
    int spare_count;
    UrlTimer *trim_timer; /* armed while more than SPARE_EASY_IDLE are kept */
    gint64 last_take;     /* monotonic time of the last url__multi_driver_take_easy */
};

static GIOCondition condition_for(int what)
{
    switch (what) {
    case CURL_POLL_IN:
        return G_IO_IN;
    case CURL_POLL_OUT:
        return G_IO_OUT;
    case CURL_POLL_INOUT:
        return G_IO_IN | G_IO_OUT;
    default:
        return 0;
    }
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    UrlMultiDriver *self = userp;
    gpointer tag = g_hash_table_lookup(self->watches, GINT_TO_POINTER(fd));
    if (what == CURL_POLL_REMOVE) {
        if (tag) {
            g_source_remove_unix_fd(&self->source, tag);
            g_hash_table_remove(self->watches, GINT_TO_POINTER(fd));
        }
        return 0;
    }
    GIOCondition condition = condition_for(what);
    if (tag)
        g_source_modify_unix_fd(&self->source, tag, condition);
    else
        g_hash_table_insert(self->watches, GINT_TO_POINTER(fd),
                            g_source_add_unix_fd(&self->source, fd, condition));
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    UrlMultiDriver *self = userp;
    /* Always on the network thread (curl runs there): the loop reads it before sleeping. */
    self->deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    return 0;
}

static gboolean driver_prepare(GSource *source, gint *timeout)
{
    return url__deadline_prepare(source, ((UrlMultiDriver *)source)->deadline, timeout);
}

static gboolean driver_check(GSource *source)
{
    return url__deadline_passed(source, ((UrlMultiDriver *)source)->deadline);
}

static void read_messages(UrlMultiDriver *self)
{
    CURLMsg *message;
    int left;
    while ((message = curl_multi_info_read(self->multi, &left))) {
        if (message->msg == CURLMSG_DONE)
            self->done(message->easy_handle, message->data.result, self->done_data);
    }
}

static gboolean driver_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    UrlMultiDriver *self = (UrlMultiDriver *)source;
    int running;
    if (self->deadline >= 0 && self->deadline <= g_source_get_time(source)) {
        self->deadline = -1;
        curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    /* Collect ready fds first: socket_action may add or remove watches. */
    GArray *ready_fds = NULL;
    GHashTableIter iter;
    gpointer key, tag;
    g_hash_table_iter_init(&iter, self->watches);
    while (g_hash_table_iter_next(&iter, &key, &tag)) {
        GIOCondition revents = g_source_query_unix_fd(source, tag);
        if (revents == 0)
            continue;
        int mask = 0;
        if (revents & (G_IO_IN | G_IO_HUP))
            mask |= CURL_CSELECT_IN;
        if (revents & G_IO_OUT)
            mask |= CURL_CSELECT_OUT;
        if (revents & (G_IO_ERR | G_IO_NVAL))
            mask |= CURL_CSELECT_ERR;
        if (!ready_fds)
            ready_fds = g_array_new(FALSE, FALSE, sizeof(int) * 2);
        int pair[2] = {GPOINTER_TO_INT(key), mask};
        g_array_append_vals(ready_fds, pair, 1);
    }
    if (ready_fds) {
        bool failed = false;
        for (guint i = 0; i < ready_fds->len; i++) {
            int *pair = &g_array_index(ready_fds, int, i * 2);
            failed = failed || (pair[1] & CURL_CSELECT_ERR);
            curl_multi_socket_action(self->multi, pair[0], pair[1], &running);
        }
        g_array_free(ready_fds, TRUE);
        /* libcurl 7.88 does not start the next address of a family when a connect fails
         * on a socket event: the transfer stalls until its per-address timeout. Only
         * curl_multi_socket_all (deprecated, but the one call that runs every transfer
         * in socket mode) makes it move on now (see doc/known-limits.md). */
        if (failed) {
            G_GNUC_BEGIN_IGNORE_DEPRECATIONS
            curl_multi_socket_all(self->multi, &running);
            G_GNUC_END_IGNORE_DEPRECATIONS
        }
    }
    read_messages(self);
    return G_SOURCE_CONTINUE;
}

static void driver_finalize(GSource *source)
{
    UrlMultiDriver *self = (UrlMultiDriver *)source;
    g_hash_table_destroy(self->watches);
}

static GSourceFuncs driver_funcs = {
    .prepare = driver_prepare,
    .check = driver_check,
    .dispatch = driver_dispatch,
    .finalize = driver_finalize,
};

UrlMultiDriver *url__multi_driver_new(long max_connections_per_host, UrlMultiDoneFunc done,
                                      void *done_data)
{
    UrlMultiDriver *self = (UrlMultiDriver *)g_source_new(&driver_funcs, sizeof(UrlMultiDriver));
    g_source_set_name(&self->source, "urlsession curl multi");
    /* GLib blocks a source that cannot recurse while it dispatches by taking its fds out
     * of the poll set and back, and each change writes the context's wakeup eventfd: two
     * system calls per dispatch. Nothing iterates the network context from inside a
     * dispatch, so there is no recursion to guard against. */
    g_source_set_can_recurse(&self->source, TRUE);
    self->watches = g_hash_table_new(NULL, NULL);
    self->done = done;
    self->done_data = done_data;
    self->deadline = -1;
    self->multi = curl_multi_init();
    curl_multi_setopt(self->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(self->multi, CURLMOPT_SOCKETDATA, self);
    curl_multi_setopt(self->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(self->multi, CURLMOPT_TIMERDATA, self);
    curl_multi_setopt(self->multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_connections_per_host);
    curl_multi_setopt(self->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    g_source_attach(&self->source, url__network_context());
    return self;
}

void url__multi_driver_free(UrlMultiDriver *self)
{
    if (self == NULL)
        return;
    url__timer_free(self->trim_timer);
    while (self->spare_count > 0)
        curl_easy_cleanup(self->spare[--self->spare_count]);
    /* curl_multi_cleanup closes the pool's sockets through on_socket, which needs the
     * source alive; destroy it afterwards. */
    curl_multi_cleanup(self->multi);
    self->multi = NULL;
    g_source_destroy(&self->source);
    g_source_unref(&self->source);
}

CURLMcode url__multi_driver_add(UrlMultiDriver *self, CURL *easy)
{
    return curl_multi_add_handle(self->multi, easy);
}

void url__multi_driver_remove(UrlMultiDriver *self, CURL *easy)
{
    curl_multi_remove_handle(self->multi, easy);
}

void url__multi_driver_kick(UrlMultiDriver *self)
{
    self->deadline = 0;
}

CURL *url__multi_driver_take_easy(UrlMultiDriver *self)
{
    self->last_take = g_get_monotonic_time();
    return self->spare_count > 0 ? self->spare[--self->spare_count] : curl_easy_init();
}

/* The session took no handle for SPARE_TRIM_SECONDS: it is quiet, keep only a few. */
static void on_trim_timer(void *data)
{
    UrlMultiDriver *self = data;
    gint64 quiet_since = self->last_take + (gint64)(SPARE_TRIM_SECONDS * G_USEC_PER_SEC);
    if (g_get_monotonic_time() < quiet_since) {
        url__timer_arm_at(self->trim_timer, quiet_since);
        return;
    }
    while (self->spare_count > SPARE_EASY_IDLE)
        curl_easy_cleanup(self->spare[--self->spare_count]);
}

void url__multi_driver_give_easy(UrlMultiDriver *self, CURL *easy)
{
    if (easy == NULL)
        return;
    /* Removing a handle that is not attached is a no-op; one that curl refuses to let go
     * (inside one of its callbacks) is not reused. curl_easy_reset keeps the receive
     * buffer and the handle's TLS session cache (this session's servers only) and drops
     * every option. */
    if (self->spare_count == SPARE_EASY_HANDLES ||
        curl_multi_remove_handle(self->multi, easy) != CURLM_OK) {
        curl_easy_cleanup(easy);
        return;
    }
    curl_easy_reset(easy);
    self->spare[self->spare_count++] = easy;
    if (self->spare_count == SPARE_EASY_IDLE + 1) {
        if (self->trim_timer == NULL)
            self->trim_timer = url__timer_new(on_trim_timer, self);
        url__timer_arm_in(self->trim_timer, SPARE_TRIM_SECONDS);
    }
}
