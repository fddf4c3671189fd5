/* task_admission.c — how many of a session's hops to one origin hold a libcurl transfer
 * at once.
 *
 * libcurl keeps every transfer it is given, also one that only waits for a connection
 * (the host's connections, or their HTTP/2 streams, are all busy): its easy handle, its
 * URL, headers and the receive buffer's first page, about 13 KiB each. A session asked
 * for 10,000 requests to one host at once would keep 9,000 of them waiting that way.
 * Here a hop starts its transfer only while the origin has fewer than
 * URL__ADMISSION_PER_CONNECTION transfers per allowed connection; the others wait in
 * the session, holding nothing but their task, in priority order and first come first
 * served within a priority (URLSession's task priority is a hint for exactly this).
 * libcurl still decides which connection and stream each admitted transfer gets.
 *
 * Origins are counted apart ("scheme://authority" of the hop's URL), so a burst to one
 * host never delays another host's requests. Network thread only. */
#include "session/task_admission.h"

#include <string.h>

#include "http/network_thread.h"
#include "session/request.h"
#include "session/task.h"

/* Idle origins kept for reuse, so that one request at a time costs no allocation. */
#define IDLE_ORIGINS_KEPT 64

struct UrlAdmissionOrigin {
    char *key;
    unsigned held;
    GQueue waiting; /* of UrlSessionTask*, linked through net.admission.link */
};

struct UrlAdmission {
    GHashTable *origins; /* key -> UrlAdmissionOrigin* (owns both) */
    unsigned limit;      /* transfers per origin */
};

static void origin_free(void *data)
{
    UrlAdmissionOrigin *origin = data;
    g_free(origin->key);
    g_free(origin);
}

static UrlAdmission *admission_of(UrlSession *session)
{
    if (session->admission == NULL) {
        UrlAdmission *admission = g_new0(UrlAdmission, 1);
        admission->origins = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, origin_free);
        int connections = session->configuration->max_connections_per_host;
        admission->limit =
            (unsigned)(connections > 0 ? connections : 1) * URL__ADMISSION_PER_CONNECTION;
        session->admission = admission;
    }
    return session->admission;
}

/* The end of "scheme://authority" in @url, a normalised absolute URL. */
static size_t origin_length(const char *url)
{
    const char *authority = strstr(url, "://");
    authority = authority ? authority + 3 : url;
    return (size_t)(authority - url) + strcspn(authority, "/?#");
}

static UrlAdmissionOrigin *origin_for(UrlAdmission *admission, const char *url)
{
    size_t length = origin_length(url);
    char small[256];
    char *key = length < sizeof small ? small : g_malloc(length + 1);
    memcpy(key, url, length);
    key[length] = '\0';
    UrlAdmissionOrigin *origin = g_hash_table_lookup(admission->origins, key);
    if (origin == NULL) {
        origin = g_new0(UrlAdmissionOrigin, 1);
        origin->key = key == small ? g_strdup(small) : key;
        g_queue_init(&origin->waiting);
        g_hash_table_insert(admission->origins, origin->key, origin);
    } else if (key != small) {
        g_free(key);
    }
    return origin;
}

static void forget_if_idle(UrlAdmission *admission, UrlAdmissionOrigin *origin)
{
    if (origin->held == 0 && origin->waiting.length == 0 &&
        g_hash_table_size(admission->origins) > IDLE_ORIGINS_KEPT)
        g_hash_table_remove(admission->origins, origin->key);
}

static void run_admitted(void *data)
{
    UrlSessionTask *task = data;
    UrlTaskAdmission *place = &task->net.admission;
    /* Cancelled since: finish() gave the place back already. */
    if (!task->net.finished && place->held)
        place->then(task);
}

static void admit_waiting(UrlAdmission *admission, UrlAdmissionOrigin *origin)
{
    while (origin->held < admission->limit && origin->waiting.length > 0) {
        GList *link = g_queue_pop_head_link(&origin->waiting);
        UrlSessionTask *task = link->data;
        task->net.admission.held = true;
        origin->held++;
        /* In a job of its own: the caller is ending another hop, maybe inside curl. */
        url__network_invoke(run_admitted, url_session_task_ref(task),
                            (GDestroyNotify)url_session_task_unref);
    }
}

bool url__task_admission_enter(UrlSessionTask *task, void (*then)(UrlSessionTask *task))
{
    UrlAdmission *admission = admission_of(task->session);
    UrlTaskAdmission *place = &task->net.admission;
    const char *url = task->net.request->url;
    if (place->origin) {
        /* begin_request comes back after a path or DNS wait: the place is still its own
         * unless the hop's URL moved to another origin meanwhile. */
        size_t length = origin_length(url);
        if (place->held && strlen(place->origin->key) == length &&
            memcmp(place->origin->key, url, length) == 0)
            return true;
        url__task_admission_leave(task);
    }
    UrlAdmissionOrigin *origin = origin_for(admission, url);
    place->origin = origin;
    if (origin->held < admission->limit && origin->waiting.length == 0) {
        place->held = true;
        origin->held++;
        return true;
    }
    g_mutex_lock(&task->lock);
    place->priority = task->priority;
    g_mutex_unlock(&task->lock);
    place->then = then;
    place->link.data = task;
    /* Behind every waiting hop of at least this priority. */
    GList *before = origin->waiting.tail;
    while (before && ((UrlSessionTask *)before->data)->net.admission.priority < place->priority)
        before = before->prev;
    if (before)
        g_queue_insert_after_link(&origin->waiting, before, &place->link);
    else
        g_queue_push_head_link(&origin->waiting, &place->link);
    return false;
}

void url__task_admission_leave(UrlSessionTask *task)
{
    UrlTaskAdmission *place = &task->net.admission;
    UrlAdmissionOrigin *origin = place->origin;
    if (origin == NULL)
        return;
    UrlAdmission *admission = task->session->admission;
    place->origin = NULL;
    if (place->held) {
        place->held = false;
        origin->held--;
        admit_waiting(admission, origin);
    } else {
        g_queue_unlink(&origin->waiting, &place->link);
    }
    place->link = (GList){0};
    forget_if_idle(admission, origin);
}

static void admission_free(void *data)
{
    UrlAdmission *admission = data;
    g_hash_table_unref(admission->origins);
    g_free(admission);
}

void url__session_admission_release(UrlSession *session)
{
    if (session->admission)
        url__network_invoke(admission_free, session->admission, NULL);
    session->admission = NULL;
}
