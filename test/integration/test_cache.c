/* test_cache.c — the HTTP cache against nginx: a fresh response answers without a request
 * reaching the server (requests counted in nginx's access log), a stale one is revalidated
 * and the 304 refreshes its headers, no-store is never stored, Vary selects, the request
 * cache policies, a disk cache that survives a new UrlCache on its directory and discards
 * a corrupt entry, data_will_cache_response vetoing and modifying, metrics fetch types,
 * download tasks. */
#include "fixture.h"

#include <string.h>

#include <glib/gstdio.h>

/* A URL of @location that no other test uses ("/cache/fresh/small.txt?u=...") and the
 * request line nginx logs for it. */
typedef struct {
    char *path;
    char *url;
    char *logged; /* "GET <path> " */
} Target;

static void target_init_proto(Target *t, const char *location, ItProto proto)
{
    static int serial;
    t->path = g_strdup_printf("%s?u=%d-%d-%" G_GINT64_FORMAT, location, (int)getpid(), ++serial,
                              g_get_real_time());
    t->url = it_url(proto, t->path);
    t->logged = g_strdup_printf("\"GET %s HTTP", t->path);
}

static void target_init(Target *t, const char *location)
{
    target_init_proto(t, location, IT_HTTP);
}

static void target_clear(Target *t)
{
    g_free(t->path);
    g_free(t->url);
    g_free(t->logged);
}

/* Requests for @t the server logged, and of those the ones answered with @status (0:
 * any). */
static int server_count(const Target *t, int status)
{
    g_autofree char *server = g_path_get_dirname(it_www_dir());
    g_autofree char *log = g_build_filename(server, "logs", "access.log", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(log, &text, NULL, NULL))
        return 0;
    g_autofree char *with_status = g_strdup_printf(" %d ", status);
    int count = 0;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **line = lines; *line; line++) {
        const char *at = strstr(*line, t->logged);
        if (at && (status == 0 || strstr(at, with_status)))
            count++;
    }
    return count;
}

/* nginx logs a request after answering it: waits (at most 5 s) until @t was logged
 * @want times, then a little longer so that an unexpected extra request shows. */
static int server_count_settled(const Target *t, int want)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (server_count(t, 0) < want && g_get_monotonic_time() < deadline)
        g_usleep(20000);
    g_usleep(200000);
    return server_count(t, 0);
}

static UrlSession *session_with_proto(UrlCache *cache, const UrlSessionDelegate *delegate,
                                      void *data, ItProto proto)
{
    UrlSessionConfiguration *config = it_configuration_new(proto);
    url_session_configuration_set_url_cache(config, cache);
    UrlSession *session = url_session_new(config, delegate, data, NULL);
    url_session_configuration_unref(config);
    return session;
}

static UrlSession *session_with(UrlCache *cache, const UrlSessionDelegate *delegate, void *data)
{
    return session_with_proto(cache, delegate, data, IT_HTTP);
}

static void session_done(UrlSession *session)
{
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
}

/* Fetches @request (or @url) with a completion handler; asserts success and returns the
 * body (g_free()), with the response header @header in *@value (g_free()) when asked. */
static char *fetch(UrlSession *session, const char *url, UrlRequest *request,
                   UrlResourceFetchType want_fetch_type, int want_transaction_status,
                   const char *header, char **value)
{
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, request, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    if (header)
        *value = g_strdup(url_response_get_header(c.response, header));
    char *body = g_strndup(c.data ? (const char *)c.data->data : "", c.data ? c.data->len : 0);
    UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
    g_assert_nonnull(metrics);
    g_assert_cmpuint(url_task_metrics_get_transaction_count(metrics), ==, 1);
    const UrlTransactionMetrics *t = url_task_metrics_get_transaction(metrics, 0);
    g_assert_cmpint(url_transaction_metrics_get_fetch_type(t), ==, want_fetch_type);
    g_assert_cmpint(url_transaction_metrics_get_status_code(t), ==, want_transaction_status);
    url_task_metrics_unref(metrics);
    url_session_task_unref(task);
    it_completion_clear(&c);
    return body;
}

static void test_fresh_hit_without_request(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlSession *session = session_with_proto(cache, NULL, NULL, proto);
    Target t;
    target_init_proto(&t, "/cache/fresh/small.txt", proto);
    g_autofree char *first =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL);
    g_assert_cmpstr(first, ==, "hello world\n");
    g_assert_cmpint(server_count_settled(&t, 1), ==, 1);
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), >, 0);
    /* A fragment is not part of the key. */
    g_autofree char *with_fragment = g_strconcat(t.url, "#part", NULL);
    for (int i = 0; i < 3; i++) {
        g_autofree char *again = fetch(session, i == 2 ? with_fragment : t.url, NULL,
                                       URL_FETCH_TYPE_LOCAL_CACHE, 200, NULL, NULL);
        g_assert_cmpstr(again, ==, "hello world\n");
    }
    g_assert_cmpint(server_count_settled(&t, 1), ==, 1);
    target_clear(&t);
    session_done(session);
    url_cache_unref(cache);
}

static void test_revalidation_304(gconstpointer data)
{
    ItProto proto = GPOINTER_TO_INT(data);
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlSession *session = session_with_proto(cache, NULL, NULL, proto);
    Target t;
    target_init_proto(&t, "/cache/stale/small.txt", proto);
    g_autofree char *id1 = NULL, *id2 = NULL, *id3 = NULL;
    g_autofree char *first =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, "X-Request-Id", &id1);
    g_assert_nonnull(id1);
    /* Stale (max-age=0): revalidated; the task sees a 200 with the stored body and the
     * 304's headers, the metrics show the 304. */
    g_autofree char *second =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 304, "X-Request-Id", &id2);
    g_assert_cmpstr(second, ==, "hello world\n");
    g_assert_nonnull(id2);
    g_assert_cmpstr(id2, !=, id1);
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    g_assert_cmpint(server_count(&t, 304), ==, 1);
    /* The stored response was refreshed with the 304's headers. */
    UrlRequest *request = url_request_new(t.url);
    UrlCachedResponse *stored = url_cache_copy_cached_response(cache, request);
    g_assert_nonnull(stored);
    g_assert_cmpstr(
        url_response_get_header(url_cached_response_get_response(stored), "X-Request-Id"), ==, id2);
    g_assert_cmpint(url_response_get_status_code(url_cached_response_get_response(stored)), ==,
                    200);
    url_cached_response_unref(stored);
    url_request_unref(request);
    g_autofree char *third =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 304, "X-Request-Id", &id3);
    g_assert_cmpstr(third, ==, "hello world\n");
    g_assert_cmpint(server_count_settled(&t, 3), ==, 3);
    g_assert_cmpint(server_count(&t, 304), ==, 2);
    target_clear(&t);

    /* no-cache: stored, but every use is revalidated. */
    target_init_proto(&t, "/cache/no-cache/small.txt", proto);
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_autofree char *revalidated =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 304, NULL, NULL);
    g_assert_cmpstr(revalidated, ==, "hello world\n");
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    target_clear(&t);
    session_done(session);
    url_cache_unref(cache);
}

static void test_no_store(void)
{
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlSession *session = session_with(cache, NULL, NULL);
    Target t;
    target_init(&t, "/cache/no-store/small.txt");
    for (int i = 0; i < 2; i++)
        g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), ==, 0);
    UrlRequest *request = url_request_new(t.url);
    g_assert_null(url_cache_copy_cached_response(cache, request));
    url_request_unref(request);
    target_clear(&t);

    /* A request's own Cache-Control: no-store keeps a storable response out too. */
    target_init(&t, "/cache/fresh/small.txt");
    request = url_request_new(t.url);
    url_request_set_header(request, "Cache-Control", "no-store", NULL);
    g_free(fetch(session, NULL, request, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), ==, 0);
    url_request_unref(request);
    target_clear(&t);
    session_done(session);
    url_cache_unref(cache);
}

static char *fetch_variant(UrlSession *session, const Target *t, const char *variant,
                           UrlResourceFetchType want)
{
    UrlRequest *request = url_request_new(t->url);
    if (variant)
        url_request_set_header(request, "X-Variant", variant, NULL);
    char *body = fetch(session, NULL, request, want, 200, NULL, NULL);
    url_request_unref(request);
    return body;
}

static void test_vary(void)
{
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlSession *session = session_with(cache, NULL, NULL);
    Target t;
    target_init(&t, "/cache/vary");
    g_autofree char *a1 = fetch_variant(session, &t, "a", URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_cmpstr(a1, ==, "variant a\n");
    g_autofree char *a2 = fetch_variant(session, &t, "a", URL_FETCH_TYPE_LOCAL_CACHE);
    g_assert_cmpstr(a2, ==, "variant a\n");
    g_assert_cmpint(server_count_settled(&t, 1), ==, 1);
    /* Another value, or none, does not match the stored response. */
    g_autofree char *b = fetch_variant(session, &t, "b", URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_cmpstr(b, ==, "variant b\n");
    g_autofree char *none = fetch_variant(session, &t, NULL, URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_cmpstr(none, ==, "variant \n");
    g_assert_cmpint(server_count_settled(&t, 3), ==, 3);
    g_autofree char *none2 = fetch_variant(session, &t, NULL, URL_FETCH_TYPE_LOCAL_CACHE);
    g_assert_cmpstr(none2, ==, "variant \n");
    target_clear(&t);

    /* Vary: * never matches. */
    target_init(&t, "/cache/vary-star");
    for (int i = 0; i < 2; i++)
        g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    target_clear(&t);
    session_done(session);
    url_cache_unref(cache);
}

static void test_policies(void)
{
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlSession *session = session_with(cache, NULL, NULL);
    Target t;
    target_init(&t, "/cache/fresh/small.txt");
    /* Nothing stored: return-cache-data-don't-load fails without a request. */
    UrlRequest *dont_load = url_request_new(t.url);
    url_request_set_cache_policy(dont_load, URL_REQUEST_RETURN_CACHE_DATA_DONT_LOAD);
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, NULL, dont_load, &c);
    it_assert_error_code(c.error, URL_ERROR_RESOURCE_UNAVAILABLE);
    g_assert_null(c.response);
    url_session_task_unref(task);
    it_completion_clear(&c);
    g_assert_cmpint(server_count_settled(&t, 0), ==, 0);

    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    /* Reload ignoring the cache goes to the server, per request and per configuration. */
    UrlRequest *reload = url_request_new(t.url);
    url_request_set_cache_policy(reload, URL_REQUEST_RELOAD_IGNORING_LOCAL_CACHE_DATA);
    g_free(fetch(session, NULL, reload, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    UrlSessionConfiguration *config = it_configuration_new(IT_HTTP);
    url_session_configuration_set_url_cache(config, cache);
    url_session_configuration_set_request_cache_policy(
        config, URL_REQUEST_RELOAD_IGNORING_LOCAL_CACHE_DATA);
    UrlSession *reloading = url_session_new(config, NULL, NULL, NULL);
    url_session_configuration_unref(config);
    g_free(fetch(reloading, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_assert_cmpint(server_count_settled(&t, 3), ==, 3);
    session_done(reloading);
    /* Now stored: don't-load answers from the cache. */
    g_free(fetch(session, NULL, dont_load, URL_FETCH_TYPE_LOCAL_CACHE, 200, NULL, NULL));
    target_clear(&t);

    /* A stale response: protocol policy revalidates, return-cache-data-else-load uses it. */
    target_init(&t, "/cache/stale/small.txt");
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    UrlRequest *else_load = url_request_new(t.url);
    url_request_set_cache_policy(else_load, URL_REQUEST_RETURN_CACHE_DATA_ELSE_LOAD);
    g_autofree char *stale =
        fetch(session, NULL, else_load, URL_FETCH_TYPE_LOCAL_CACHE, 200, NULL, NULL);
    g_assert_cmpstr(stale, ==, "hello world\n");
    g_assert_cmpint(server_count_settled(&t, 1), ==, 1);
    target_clear(&t);
    url_request_unref(else_load);
    url_request_unref(reload);
    url_request_unref(dont_load);
    session_done(session);
    url_cache_unref(cache);
}

static char *cache_dir(void)
{
    static int serial;
    return g_strdup_printf("%s/cache-%d-%d", it_scratch_dir(), (int)getpid(), ++serial);
}

/* The entry files in @dir. */
static GPtrArray *entry_files(const char *dir)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".entry"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    return files;
}

static void test_disk_survives_restart(void)
{
    g_autofree char *dir = cache_dir();
    Target t;
    target_init(&t, "/cache/fresh/1k.bin");
    UrlCache *cache = url_cache_new(0, 10 * 1024 * 1024, dir, NULL);
    g_assert_nonnull(cache);
    UrlSession *session = session_with(cache, NULL, NULL);
    g_autofree char *first =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL);
    session_done(session);
    size_t usage = url_cache_get_current_disk_usage(cache);
    g_assert_cmpuint(usage, >, 1024);
    url_cache_unref(cache);

    /* "Restart": a new cache on the same directory finds the entry. */
    cache = url_cache_new(0, 10 * 1024 * 1024, dir, NULL);
    g_assert_cmpuint(url_cache_get_current_disk_usage(cache), ==, usage);
    session = session_with(cache, NULL, NULL);
    g_autofree char *again =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_LOCAL_CACHE, 200, NULL, NULL);
    g_assert_cmpmem(again, strlen(again), first, strlen(first));
    g_assert_cmpint(server_count_settled(&t, 1), ==, 1);
    session_done(session);
    url_cache_unref(cache);
    target_clear(&t);
}

static void test_corrupt_entry_discarded(void)
{
    g_autofree char *dir = cache_dir();
    Target t;
    target_init(&t, "/cache/fresh/1k.bin");
    UrlCache *cache = url_cache_new(0, 10 * 1024 * 1024, dir, NULL);
    UrlSession *session = session_with(cache, NULL, NULL);
    g_autofree char *first =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL);
    session_done(session);
    url_cache_unref(cache);
    g_autoptr(GPtrArray) files = entry_files(dir);
    g_assert_cmpuint(files->len, ==, 1);
    const char *file = g_ptr_array_index(files, 0);

    /* One flipped byte in the body. */
    g_autofree char *contents = NULL;
    gsize length = 0;
    g_assert_true(g_file_get_contents(file, &contents, &length, NULL));
    contents[length - 10] ^= 0x40;
    g_assert_true(g_file_set_contents(file, contents, (gssize)length, NULL));
    cache = url_cache_new(0, 10 * 1024 * 1024, dir, NULL);
    session = session_with(cache, NULL, NULL);
    g_autofree char *second =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL);
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    /* The network's answer replaced it: served from the cache again. */
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_LOCAL_CACHE, 200, NULL, NULL));
    session_done(session);
    url_cache_unref(cache);

    /* Truncated. */
    g_assert_true(g_file_set_contents(file, contents, (gssize)length / 2, NULL));
    cache = url_cache_new(0, 10 * 1024 * 1024, dir, NULL);
    session = session_with(cache, NULL, NULL);
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_assert_cmpint(server_count_settled(&t, 3), ==, 3);
    session_done(session);
    url_cache_unref(cache);
    target_clear(&t);
}

typedef enum { WILL_CACHE_VETO, WILL_CACHE_MODIFY, WILL_CACHE_LATER } WillCacheMode;

typedef struct {
    WillCacheMode mode;
    int calls;
    UrlCacheResponseHandler *held;
    UrlCachedResponse *held_proposed;
    int proposed_status;
    size_t proposed_length;
} WillCache;

static void on_will_cache(UrlSession *session, UrlSessionTask *task, UrlCachedResponse *proposed,
                          UrlCacheResponseHandler *handler, void *data)
{
    WillCache *w = data;
    w->calls++;
    const UrlResponse *response = url_cached_response_get_response(proposed);
    w->proposed_status = url_response_get_status_code(response);
    url_cached_response_get_data(proposed, &w->proposed_length);
    g_assert_cmpint(url_cached_response_get_storage_policy(proposed), ==,
                    URL_CACHE_STORAGE_ALLOWED);
    if (w->mode == WILL_CACHE_VETO) {
        url_cache_response_handler_complete(handler, NULL);
    } else if (w->mode == WILL_CACHE_MODIFY) {
        UrlCachedResponse *changed = url_cached_response_new(
            response, "changed\n", 8, URL_CACHE_STORAGE_ALLOWED_IN_MEMORY_ONLY);
        url_cache_response_handler_complete(handler, changed);
        url_cached_response_unref(changed);
    } else {
        w->held = url_cache_response_handler_ref(handler);
        w->held_proposed = url_cached_response_ref(proposed);
    }
}

static gpointer answer_later(gpointer data)
{
    WillCache *w = data;
    url_cache_response_handler_complete(w->held, w->held_proposed);
    url_cache_response_handler_unref(w->held);
    url_cached_response_unref(w->held_proposed);
    return NULL;
}

/* Runs a data task on a delegate session (no completion handler). */
static void run_delegate_task(UrlSession *session, const char *url)
{
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task = url_session_data_task(session, request);
    it_run_task(task, 60);
    it_assert_no_error(url_session_task_get_error(task));
    url_session_task_unref(task);
    url_request_unref(request);
}

static void test_will_cache_response(void)
{
    g_autofree char *dir = cache_dir();
    UrlCache *cache = url_cache_new(1024 * 1024, 1024 * 1024, dir, NULL);
    UrlSessionDelegate delegate = {.data_will_cache_response = on_will_cache};
    WillCache w = {.mode = WILL_CACHE_VETO};
    UrlSession *session = session_with(cache, &delegate, &w);
    Target t;
    target_init(&t, "/cache/fresh/small.txt");
    run_delegate_task(session, t.url);
    g_assert_cmpint(w.calls, ==, 1);
    g_assert_cmpint(w.proposed_status, ==, 200);
    g_assert_cmpuint(w.proposed_length, ==, strlen("hello world\n"));
    /* Vetoed: nothing stored, the next request goes to the server. */
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    /* ... and that completion-handler task did not ask the delegate, but stored. */
    g_assert_cmpint(w.calls, ==, 1);
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_LOCAL_CACHE, 200, NULL, NULL));
    target_clear(&t);

    /* Modified: the application's version is what the cache answers with, in memory only. */
    w.mode = WILL_CACHE_MODIFY;
    target_init(&t, "/cache/fresh/small.txt");
    size_t disk_before = url_cache_get_current_disk_usage(cache);
    run_delegate_task(session, t.url);
    g_assert_cmpint(w.calls, ==, 2);
    g_autofree char *changed =
        fetch(session, t.url, NULL, URL_FETCH_TYPE_LOCAL_CACHE, 200, NULL, NULL);
    g_assert_cmpstr(changed, ==, "changed\n");
    g_assert_cmpuint(url_cache_get_current_disk_usage(cache), ==, disk_before);
    g_assert_cmpint(server_count_settled(&t, 1), ==, 1);
    target_clear(&t);

    /* Answered later from another thread (here: after the task completed). */
    w.mode = WILL_CACHE_LATER;
    target_init(&t, "/cache/fresh/small.txt");
    run_delegate_task(session, t.url);
    g_assert_nonnull(w.held);
    UrlRequest *request = url_request_new(t.url);
    g_assert_null(url_cache_copy_cached_response(cache, request));
    GThread *thread = g_thread_new("answer", answer_later, &w);
    g_thread_join(thread);
    UrlCachedResponse *stored = url_cache_copy_cached_response(cache, request);
    g_assert_nonnull(stored);
    url_cached_response_unref(stored);
    url_request_unref(request);
    target_clear(&t);
    session_done(session);
    url_cache_unref(cache);
}

/* Downloads a URL with a completion handler and checks the file against the docroot's
 * @name; returns the fetch type of its one transaction. */
static UrlResourceFetchType download(UrlSession *session, const char *url, const char *name)
{
    ItCompletion c;
    it_completion_init(&c);
    UrlRequest *request = url_request_new(url);
    UrlSessionTask *task =
        url_session_download_task_with_completion(session, request, it_download_completion, &c);
    it_run_task(task, 60);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    g_autofree char *want = it_sha256_www(name);
    g_assert_cmpstr(c.download_sha256, ==, want);
    UrlTaskMetrics *metrics = url_session_task_get_metrics(task);
    UrlResourceFetchType type =
        url_transaction_metrics_get_fetch_type(url_task_metrics_get_transaction(metrics, 0));
    url_task_metrics_unref(metrics);
    url_session_task_unref(task);
    url_request_unref(request);
    it_completion_clear(&c);
    return type;
}

/* Download tasks use the cache too: a hit and a 304 both give the stored body as the file. */
static void test_download_tasks(void)
{
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlSession *session = session_with(cache, NULL, NULL);
    Target t;
    target_init(&t, "/cache/fresh/1k.bin");
    g_assert_cmpint(download(session, t.url, "1k.bin"), ==, URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_cmpint(download(session, t.url, "1k.bin"), ==, URL_FETCH_TYPE_LOCAL_CACHE);
    g_assert_cmpint(server_count_settled(&t, 1), ==, 1);
    target_clear(&t);
    target_init(&t, "/cache/stale/1k.bin");
    g_assert_cmpint(download(session, t.url, "1k.bin"), ==, URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_cmpint(download(session, t.url, "1k.bin"), ==, URL_FETCH_TYPE_NETWORK_LOAD);
    g_assert_cmpint(server_count_settled(&t, 2), ==, 2);
    g_assert_cmpint(server_count(&t, 304), ==, 1);
    target_clear(&t);
    session_done(session);
    url_cache_unref(cache);
}

/* A POST to a URL invalidates what the cache holds for it (RFC 9111 §4.4). */
static void test_unsafe_method_invalidates(void)
{
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlSession *session = session_with(cache, NULL, NULL);
    Target t;
    target_init(&t, "/cache/vary");
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    UrlRequest *post = url_request_new(t.url);
    url_request_set_method(post, "POST", NULL);
    url_request_set_body_data(post, "x", 1);
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, NULL, post, &c);
    it_assert_no_error(c.error);
    url_session_task_unref(task);
    it_completion_clear(&c);
    url_request_unref(post);
    g_free(fetch(session, t.url, NULL, URL_FETCH_TYPE_NETWORK_LOAD, 200, NULL, NULL));
    target_clear(&t);
    session_done(session);
    url_cache_unref(cache);
}

/* A delegate sees a cache hit and a revalidation as ordinary responses: a 200, the body
 * through data_did_receive_data, the usual order of callbacks. */
static void test_delegate_events(void)
{
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    ItRecorder *rec = it_recorder_new();
    UrlSession *session = session_with(cache, it_recorder_delegate(), rec);
    const char *locations[] = {"/cache/fresh/small.txt", "/cache/stale/small.txt"};
    guint completed = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(locations); i++) {
        Target t;
        target_init(&t, locations[i]);
        for (int round = 0; round < 2; round++) {
            UrlRequest *request = url_request_new(t.url);
            UrlSessionTask *task = url_session_data_task(session, request);
            url_session_task_resume(task);
            g_assert_true(it_recorder_wait_completed(rec, ++completed, 30));
            ItTaskLog *log = it_recorder_get(rec, task);
            g_assert_nonnull(log);
            g_autofree char *order = it_task_log_check_order(log);
            g_assert_null(order);
            g_assert_cmpint(it_task_log_error_code(log), ==, 0);
            g_assert_cmpint(url_response_get_status_code(log->response), ==, 200);
            g_assert_cmpstr(it_task_log_body_string(log), ==, "hello world\n");
            g_assert_cmpuint(log->counts[IT_EV_RESPONSE], ==, 1);
            g_assert_cmpuint(log->counts[IT_EV_METRICS], ==, 1);
            g_assert_cmpint(url_session_task_get_count_of_bytes_received(task), ==, 12);
            url_session_task_unref(task);
            url_request_unref(request);
        }
        g_assert_cmpint(server_count_settled(&t, i == 0 ? 1 : 2), ==, i == 0 ? 1 : 2);
        target_clear(&t);
    }
    it_session_finish(session, rec);
    it_recorder_free(rec);
    url_cache_unref(cache);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    for (int proto = 0; proto < IT_PROTO_COUNT; proto++) {
        g_autofree char *hit =
            g_strdup_printf("/cache/fresh-hit-without-request/%s", it_proto_name((ItProto)proto));
        g_autofree char *revalidation =
            g_strdup_printf("/cache/revalidation-304/%s", it_proto_name((ItProto)proto));
        it_add_data(hit, GINT_TO_POINTER(proto), test_fresh_hit_without_request);
        it_add_data(revalidation, GINT_TO_POINTER(proto), test_revalidation_304);
    }
    it_add("/cache/delegate-events", test_delegate_events);
    it_add("/cache/no-store", test_no_store);
    it_add("/cache/vary", test_vary);
    it_add("/cache/policies", test_policies);
    it_add("/cache/disk-survives-restart", test_disk_survives_restart);
    it_add("/cache/corrupt-entry-discarded", test_corrupt_entry_discarded);
    it_add("/cache/will-cache-response", test_will_cache_response);
    it_add("/cache/unsafe-method-invalidates", test_unsafe_method_invalidates);
    it_add("/cache/download-tasks", test_download_tasks);
    return it_run();
}
