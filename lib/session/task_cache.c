/* task_cache.c — how a task uses the session's UrlCache (RFC 9111, private cache).
 *
 * Before the first hop the request's cache policy decides: a usable stored response
 * answers at once (no hop, fetch type local-cache in the metrics); a stale one with a
 * validator is revalidated by the first hop; return-cache-data-don't-load without a stored
 * response fails with URL_ERROR_RESOURCE_UNAVAILABLE. A 304 to the revalidation becomes
 * the stored response with the 304's headers merged in (status and body the stored ones),
 * and the entry is refreshed. A final response that may be stored has its body collected
 * as the task accepts it and is stored when the hop ends well, after the delegate's
 * data_will_cache_response when it has one. Data and download tasks use the cache (a hit
 * or a 304 writes the stored body to the download's file); upload tasks and downloads
 * resumed from resume data do not. */
#include "session/task_cache.h"

#include <string.h>

#include "http/cache_policy.h"
#include "http/cache_storage.h"
#include "session/configuration.h"
#include "session/error.h"
#include "session/metrics.h"
#include "session/request.h"
#include "session/response.h"
#include "session/task.h"

struct UrlTaskCache {
    UrlCache *cache;
    char *key;                 /* of the first hop's URL */
    UrlCachedResponse *stored; /* being revalidated by the first hop */
    bool not_modified;         /* ... and the server answered 304 */
    double request_time;       /* when the hop carrying the final response started */
    /* A storable final response being collected. */
    char *store_key;
    UrlResponse *response;
    UrlHeaderList *vary;
    GByteArray *body;
    size_t body_limit;
};

typedef struct UrlTaskCache UrlTaskCache;

static double now_seconds(void)
{
    return (double)g_get_real_time() / G_USEC_PER_SEC;
}

static UrlRequestCachePolicy policy_of(UrlSessionTask *task)
{
    UrlRequestCachePolicy policy = task->net.request->cache_policy;
    return policy != URL_REQUEST_USE_PROTOCOL_CACHE_POLICY
               ? policy
               : task->session->configuration->request_cache_policy;
}

/* Whether @task may read or write the cache at all. */
static bool uses_cache(UrlSessionTask *task)
{
    const UrlRequest *request = task->net.request;
    bool kind = task->kind == URL_TASK_KIND_DATA || task->kind == URL_TASK_KIND_DOWNLOAD;
    return task->session->configuration->url_cache && kind && task->resume_from == NULL &&
           strcmp(request->method, "GET") == 0 && !url__cache_request_bypasses(request->headers);
}

static UrlTaskCache *state_of(UrlSessionTask *task)
{
    if (task->net.cache == NULL) {
        task->net.cache = g_new0(UrlTaskCache, 1);
        task->net.cache->cache = url_cache_ref(task->session->configuration->url_cache);
    }
    return task->net.cache;
}

/* The metrics of an answer from the cache: one transaction, fetch type local-cache. */
static void record_cache_transaction(UrlSessionTask *task, const UrlResponse *response,
                                     double start)
{
    UrlTransactionMetrics *t = url__task_metrics_add_transaction(task->net.metrics);
    double end = now_seconds();
    url__transaction_metrics_set_url(t, task->net.request->url);
    url__transaction_metrics_set_timing(t, URL_TIMING_FETCH_START, start);
    url__transaction_metrics_set_timing(t, URL_TIMING_RESPONSE_START, end);
    url__transaction_metrics_set_timing(t, URL_TIMING_RESPONSE_END, end);
    url__transaction_metrics_set_status_code(t, url_response_get_status_code(response));
    url__transaction_metrics_set_network_protocol_name(t, url_response_get_http_version(response));
    url__transaction_metrics_set_fetch_type(t, URL_FETCH_TYPE_LOCAL_CACHE);
}

static GByteArray *body_of(const UrlCachedResponse *cached)
{
    gsize length = 0;
    const guint8 *data = g_bytes_get_data(cached->data, &length);
    GByteArray *body = g_byte_array_sized_new((guint)length);
    if (length)
        g_byte_array_append(body, data, (guint)length);
    return body;
}

static void answer_from_cache(UrlSessionTask *task, UrlCachedResponse *cached, double start)
{
    record_cache_transaction(task, cached->response, start);
    url__task_net_complete_with_response(task, url_response_ref(cached->response), body_of(cached));
}

bool url__task_cache_may_answer(UrlSessionTask *task)
{
    return uses_cache(task) || policy_of(task) == URL_REQUEST_RETURN_CACHE_DATA_DONT_LOAD;
}

bool url__task_cache_begin(UrlSessionTask *task, const UrlHeaderList *headers)
{
    double start = now_seconds();
    UrlRequestCachePolicy policy = policy_of(task);
    bool dont_load = policy == URL_REQUEST_RETURN_CACHE_DATA_DONT_LOAD;
    UrlCachedResponse *cached = NULL;
    if (uses_cache(task)) {
        UrlTaskCache *state = state_of(task);
        state->key = url__cache_key(task->net.request->url);
        if (policy != URL_REQUEST_RELOAD_IGNORING_LOCAL_CACHE_DATA)
            cached = url__cache_lookup(state->cache, state->key, headers);
    }
    if (cached == NULL) {
        if (dont_load)
            url__task_net_fail(task, url__error_newf(URL_ERROR_RESOURCE_UNAVAILABLE,
                                                     task->net.request->url,
                                                     "no cached response, and the cache "
                                                     "policy is return-cache-data-don't-load"));
        return dont_load;
    }
    UrlCacheVerdict verdict =
        policy == URL_REQUEST_USE_PROTOCOL_CACHE_POLICY
            ? url__cache_evaluate(url__response_get_headers(cached->response), cached->request_time,
                                  cached->response_time, headers, start)
            : URL_CACHE_FRESH;
    if (verdict == URL_CACHE_FRESH) {
        answer_from_cache(task, cached, start);
        url_cached_response_unref(cached);
        return true;
    }
    if (verdict == URL_CACHE_REVALIDATE)
        task->net.cache->stored = cached;
    else
        url_cached_response_unref(cached);
    return false;
}

/* Whether the current hop asks for the first hop's URL (not a redirect's). */
static bool hop_is_revalidation(UrlSessionTask *task)
{
    UrlTaskCache *state = task->net.cache;
    return state && state->stored && task->net.redirect_count == 0;
}

void url__task_cache_add_headers(UrlSessionTask *task, UrlHeaderList *headers)
{
    UrlTaskCache *state = task->net.cache;
    if (state)
        state->request_time = now_seconds();
    if (!hop_is_revalidation(task))
        return;
    const UrlResponse *stored = state->stored->response;
    const char *etag = url_response_get_header(stored, "ETag");
    const char *last_modified = url_response_get_header(stored, "Last-Modified");
    if (etag)
        url__header_list_set(headers, "If-None-Match", etag);
    if (last_modified)
        url__header_list_set(headers, "If-Modified-Since", last_modified);
}

static void stop_collecting(UrlTaskCache *state)
{
    g_clear_pointer(&state->store_key, g_free);
    g_clear_pointer(&state->response, url_response_unref);
    g_clear_pointer(&state->vary, url__header_list_free);
    g_clear_pointer(&state->body, g_byte_array_unref);
}

UrlResponse *url__task_cache_on_response(UrlSessionTask *task, UrlResponse *response)
{
    UrlTaskCache *state = task->net.cache;
    UrlTaskNet *net = &task->net;
    int status = url_response_get_status_code(response);
    if (state == NULL) {
        /* RFC 9111 §4.4: an unsafe method that succeeded invalidates the stored response. */
        UrlCache *cache = task->session->configuration->url_cache;
        bool unsafe =
            strcmp(net->request->method, "GET") != 0 && strcmp(net->request->method, "HEAD") != 0;
        if (cache && unsafe && status < 400) {
            char *key = url__cache_key(net->request->url);
            url__cache_remove_key(cache, key);
            g_free(key);
        }
        return url_response_ref(response);
    }
    stop_collecting(state);
    if (status == 304 && hop_is_revalidation(task)) {
        const UrlResponse *stored = state->stored->response;
        UrlHeaderList *merged = url__cache_merge_not_modified(url__response_get_headers(stored),
                                                              url__response_get_headers(response));
        UrlResponse *refreshed =
            url__response_new(url_response_get_status_code(stored), url_response_get_url(stored),
                              url_response_get_http_version(stored), merged);
        UrlCachedResponse *updated = url__cached_response_new_full(
            refreshed, state->stored->data, state->stored->storage_policy, state->request_time,
            now_seconds(), state->stored->vary);
        url__cache_store(state->cache, state->key, updated);
        url_cached_response_unref(state->stored);
        state->stored = updated;
        state->not_modified = true;
        return refreshed;
    }
    if (url__cache_response_is_storable(net->request->method, net->request->headers, status,
                                        url__response_get_headers(response))) {
        state->store_key = url__cache_key(net->request->url);
        state->response = url_response_ref(response);
        state->vary =
            url__cache_vary_capture(url__response_get_headers(response), net->send_headers);
        state->body = g_byte_array_new();
        state->body_limit = url__cache_max_entry_bytes(state->cache);
    }
    return url_response_ref(response);
}

void url__task_cache_on_body(UrlSessionTask *task, const char *data, size_t length)
{
    UrlTaskCache *state = task->net.cache;
    if (state == NULL || state->body == NULL)
        return;
    if (state->body->len + length > state->body_limit) {
        stop_collecting(state); /* too large for any tier */
        return;
    }
    g_byte_array_append(state->body, (const guint8 *)data, (guint)length);
}

typedef struct {
    UrlCachedResponse *proposed;
    UrlCacheResponseHandler *handler;
} WillCacheEvent;

static void run_will_cache_event(UrlSessionTask *task, void *payload)
{
    WillCacheEvent *event = payload;
    const UrlSessionDelegate *delegate = &task->session->delegate;
    delegate->data_will_cache_response(task->session, task, event->proposed, event->handler,
                                       task->session->delegate_data);
}

static void free_will_cache_event(void *payload)
{
    WillCacheEvent *event = payload;
    url_cached_response_unref(event->proposed);
    url_cache_response_handler_unref(event->handler);
    g_free(event);
}

GByteArray *url__task_cache_transfer_done(UrlSessionTask *task)
{
    UrlTaskCache *state = task->net.cache;
    if (state == NULL)
        return NULL;
    if (state->not_modified)
        return body_of(state->stored);
    if (state->body == NULL)
        return NULL;
    GBytes *data = g_byte_array_free_to_bytes(g_steal_pointer(&state->body));
    UrlCachedResponse *proposed =
        url__cached_response_new_full(state->response, data, URL_CACHE_STORAGE_ALLOWED,
                                      state->request_time, now_seconds(), state->vary);
    g_bytes_unref(data);
    /* A data-delegate callback, as in URLSession: download tasks store as proposed. */
    if (task->session->delegate.data_will_cache_response && task->kind == URL_TASK_KIND_DATA &&
        !url__task_has_completion_handler(task)) {
        WillCacheEvent *event = g_new0(WillCacheEvent, 1);
        event->proposed = url_cached_response_ref(proposed);
        event->handler =
            url__cache_response_handler_new(task, state->cache, state->store_key, proposed);
        url__task_post_event(task, run_will_cache_event, event, free_will_cache_event);
    } else {
        url__cache_store(state->cache, state->store_key, proposed);
    }
    url_cached_response_unref(proposed);
    stop_collecting(state);
    return NULL;
}

void url__task_cache_clear(UrlSessionTask *task)
{
    UrlTaskCache *state = task->net.cache;
    if (state == NULL)
        return;
    stop_collecting(state);
    url_cached_response_unref(state->stored);
    url_cache_unref(state->cache);
    g_free(state->key);
    g_free(state);
    task->net.cache = NULL;
}
