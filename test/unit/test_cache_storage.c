/* test_cache_storage.c — lib/http/cache_entry.c and cache_storage.c: the entry format
 * (round trip; truncated, corrupt, foreign and other-version files refused), the memory
 * and disk tiers with least-recently-used eviction and the 5 % entry limit, a cache
 * reopened on its directory, Vary on lookup, and concurrent use from several threads. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <urlsession/urlsession.h>

#include "http/cache_entry.h"
#include "http/cache_storage.h"
#include "session/response.h"

static UrlCachedResponse *make_cached(const char *url, size_t body_length, const char *vary)
{
    UrlHeaderList *headers = url__header_list_new();
    url__header_list_append(headers, "Content-Type", "application/octet-stream");
    url__header_list_append(headers, "Cache-Control", "max-age=60");
    if (vary)
        url__header_list_append(headers, "Vary", vary);
    UrlResponse *response = url__response_new(200, url, "http/1.1", headers);
    guint8 *body = g_malloc(body_length + 1);
    for (size_t i = 0; i < body_length; i++)
        body[i] = (guint8)(i * 7 + strlen(url));
    UrlCachedResponse *cached =
        url_cached_response_new(response, body, body_length, URL_CACHE_STORAGE_ALLOWED);
    g_free(body);
    url_response_unref(response);
    return cached;
}

static GBytes *encode_sample(void)
{
    UrlCachedResponse *cached = make_cached("http://example.com/a?b", 300, "X-V");
    UrlHeaderList *vary = url__header_list_new();
    url__header_list_append(vary, "x-v", "one");
    UrlCachedResponse *with_vary = url__cached_response_new_full(
        cached->response, cached->data, cached->storage_policy, 1700000000.5, 1700000001.25, vary);
    GBytes *encoded = url__cache_entry_encode("http://example.com/a?b", with_vary);
    url__header_list_free(vary);
    url_cached_response_unref(with_vary);
    url_cached_response_unref(cached);
    return encoded;
}

static void test_entry_round_trip(void)
{
    GBytes *encoded = encode_sample();
    gsize length = 0;
    const guint8 *data = g_bytes_get_data(encoded, &length);
    char *key = NULL;
    const char *why = NULL;
    UrlCachedResponse *decoded = url__cache_entry_decode(data, length, &key, &why);
    g_assert_nonnull(decoded);
    g_assert_null(why);
    g_assert_cmpstr(key, ==, "http://example.com/a?b");
    g_assert_cmpint(url_response_get_status_code(decoded->response), ==, 200);
    g_assert_cmpstr(url_response_get_url(decoded->response), ==, "http://example.com/a?b");
    g_assert_cmpstr(url_response_get_header(decoded->response, "Vary"), ==, "X-V");
    g_assert_cmpfloat(decoded->request_time, ==, 1700000000.5);
    g_assert_cmpfloat(decoded->response_time, ==, 1700000001.25);
    g_assert_cmpstr(url__header_list_get(decoded->vary, "x-v"), ==, "one");
    size_t body_length = 0;
    const guint8 *body = url_cached_response_get_data(decoded, &body_length);
    g_assert_cmpuint(body_length, ==, 300);
    g_assert_cmpint(body[299], ==, (guint8)(299 * 7 + strlen("http://example.com/a?b")));
    /* Encoding again gives the same bytes. */
    GBytes *again = url__cache_entry_encode(key, decoded);
    g_assert_true(g_bytes_equal(encoded, again));
    /* The memory tier's cost, computed without encoding, is the encoded length. */
    g_assert_cmpuint(url__cache_entry_encoded_size(key, decoded), ==, g_bytes_get_size(again));
    g_bytes_unref(again);
    url_cached_response_unref(decoded);
    g_free(key);
    g_bytes_unref(encoded);
}

static void assert_refused(const guint8 *data, size_t length, const char *reason_part)
{
    char *key = NULL;
    const char *why = NULL;
    UrlCachedResponse *decoded = url__cache_entry_decode(data, length, &key, &why);
    g_assert_null(decoded);
    g_assert_null(key);
    g_assert_nonnull(why);
    if (strstr(why, reason_part) == NULL)
        g_error("refused for \"%s\", expected \"%s\"", why, reason_part);
}

static void test_entry_refused(void)
{
    GBytes *encoded = encode_sample();
    gsize length = 0;
    const void *original = g_bytes_get_data(encoded, &length);
    guint8 *data = g_memdup2(original, length);
    /* Every truncation is refused. */
    for (size_t cut = 0; cut < length; cut++)
        assert_refused(data, cut, cut < 56 ? "" : "truncated");
    /* Every single flipped bit after the header is caught by the checksum. */
    for (size_t i = 56; i < length; i += 7) {
        data[i] ^= 0x10;
        assert_refused(data, length, "checksum");
        data[i] ^= 0x10;
    }
    /* Another format version, a foreign file, a length that lies. */
    data[8] = 2;
    assert_refused(data, length, "version");
    data[8] = 1;
    data[0] = 'X';
    assert_refused(data, length, "magic");
    data[0] = 'U';
    data[12] ^= 1;
    assert_refused(data, length, "lengths");
    data[12] ^= 1;
    const char text[] = "<html>not a cache entry</html>";
    assert_refused((const guint8 *)text, sizeof text, "magic");
    /* Intact again: accepted. */
    char *key = NULL;
    UrlCachedResponse *decoded = url__cache_entry_decode(data, length, &key, NULL);
    g_assert_nonnull(decoded);
    url_cached_response_unref(decoded);
    g_free(key);
    g_free(data);
    g_bytes_unref(encoded);
}

static UrlRequest *request_for(const char *url)
{
    return url_request_new(url);
}

static bool is_stored(UrlCache *cache, const char *url)
{
    UrlRequest *request = request_for(url);
    UrlCachedResponse *cached = url_cache_copy_cached_response(cache, request);
    url_request_unref(request);
    url_cached_response_unref(cached);
    return cached != NULL;
}

static void store(UrlCache *cache, const char *url, size_t body_length)
{
    UrlCachedResponse *cached = make_cached(url, body_length, NULL);
    UrlRequest *request = request_for(url);
    url_cache_store_cached_response(cache, cached, request);
    url_request_unref(request);
    url_cached_response_unref(cached);
}

static void test_memory_eviction(void)
{
    /* 100 KiB: entries up to 5 KiB. */
    UrlCache *cache = url_cache_new(100 * 1024, 0, NULL, NULL);
    g_assert_cmpuint(url_cache_get_memory_capacity(cache), ==, 100 * 1024);
    g_assert_cmpuint(url_cache_get_disk_capacity(cache), ==, 0);
    store(cache, "http://h/too-large", 6 * 1024);
    g_assert_false(is_stored(cache, "http://h/too-large"));
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), ==, 0);
    for (int i = 0; i < 40; i++) {
        g_autofree char *url = g_strdup_printf("http://h/%d", i);
        store(cache, url, 4000);
        if (i % 5 == 4) /* used now and then: kept as recent */
            g_assert_true(is_stored(cache, "http://h/0"));
    }
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), <=, 100 * 1024);
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), >, 80 * 1024);
    g_assert_true(is_stored(cache, "http://h/39"));
    g_assert_false(is_stored(cache, "http://h/1")); /* least recently used: evicted */
    g_assert_true(is_stored(cache, "http://h/0"));  /* older, but used recently: kept */
    UrlRequest *request = request_for("http://h/39#fragment");
    url_cache_remove_cached_response(cache, request);
    url_request_unref(request);
    g_assert_false(is_stored(cache, "http://h/39"));
    url_cache_remove_all_cached_responses(cache);
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), ==, 0);
    g_assert_false(is_stored(cache, "http://h/38"));
    url_cache_unref(cache);
}

static char *temp_dir(void)
{
    char *dir = g_dir_make_tmp("urlsession-cache-XXXXXX", NULL);
    g_assert_nonnull(dir);
    return dir;
}

static void remove_dir(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_unlink(path);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
}

static int count_files(const char *dir)
{
    int count = 0;
    GDir *d = g_dir_open(dir, 0, NULL);
    while (g_dir_read_name(d))
        count++;
    g_dir_close(d);
    return count;
}

static void test_disk_tier(void)
{
    g_autofree char *dir = temp_dir();
    /* No memory tier: everything comes from the files. 200 KiB: entries up to 10 KiB. */
    UrlCache *cache = url_cache_new(0, 200 * 1024, dir, NULL);
    for (int i = 0; i < 30; i++) {
        g_autofree char *url = g_strdup_printf("http://h/%d", i);
        store(cache, url, 8000);
    }
    size_t usage = url_cache_get_current_disk_usage(cache);
    g_assert_cmpuint(usage, <=, 200 * 1024);
    g_assert_cmpuint(usage, >, 150 * 1024);
    g_assert_false(is_stored(cache, "http://h/0"));
    g_assert_true(is_stored(cache, "http://h/29"));
    int files = count_files(dir);
    g_assert_cmpint(files, <, 30);
    /* In memory only: not written. */
    UrlCachedResponse *memory_only = make_cached("http://h/memory", 100, NULL);
    memory_only->storage_policy = URL_CACHE_STORAGE_ALLOWED_IN_MEMORY_ONLY;
    UrlRequest *request = request_for("http://h/memory");
    url_cache_store_cached_response(cache, memory_only, request);
    g_assert_cmpint(count_files(dir), ==, files);
    url_request_unref(request);
    url_cached_response_unref(memory_only);
    url_cache_unref(cache);

    /* Reopened: the same entries, and a crash's temporary file is cleaned away; a foreign
     * file with an entry's name is discarded on lookup. */
    g_autofree char *leftover = g_build_filename(
        dir, "0000000000000000000000000000000000000000000000000000000000000000.entry.AB12CD", NULL);
    g_assert_true(g_file_set_contents(leftover, "partial", -1, NULL));
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "http://h/29", -1);
    g_autofree char *entry_29 = g_strconcat(dir, "/", hash, ".entry", NULL);
    g_assert_true(g_file_test(entry_29, G_FILE_TEST_EXISTS));
    cache = url_cache_new(0, 200 * 1024, dir, NULL);
    g_assert_cmpuint(url_cache_get_current_disk_usage(cache), ==, usage);
    g_assert_false(g_file_test(leftover, G_FILE_TEST_EXISTS));
    g_assert_true(is_stored(cache, "http://h/28"));
    g_assert_true(g_file_set_contents(entry_29, "GIF89a", -1, NULL));
    g_assert_false(is_stored(cache, "http://h/29"));
    g_assert_false(g_file_test(entry_29, G_FILE_TEST_EXISTS));
    url_cache_remove_all_cached_responses(cache);
    g_assert_cmpint(count_files(dir), ==, 0);
    g_assert_cmpuint(url_cache_get_current_disk_usage(cache), ==, 0);
    url_cache_unref(cache);
    remove_dir(dir);

    UrlError *error = NULL;
    g_assert_null(url_cache_new(0, 1024, "/proc/self/no-such/cache", &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_CANNOT_CREATE_FILE);
    url_error_unref(error);
}

static void test_vary_lookup(void)
{
    UrlCache *cache = url_cache_new(1024 * 1024, 0, NULL, NULL);
    UrlCachedResponse *cached = make_cached("http://h/v", 10, "X-V");
    UrlRequest *a = request_for("http://h/v");
    url_request_set_header(a, "X-V", "a", NULL);
    url_cache_store_cached_response(cache, cached, a);
    UrlRequest *b = request_for("http://h/v");
    url_request_set_header(b, "X-V", "b", NULL);
    UrlCachedResponse *hit = url_cache_copy_cached_response(cache, a);
    g_assert_nonnull(hit);
    g_assert_null(url_cache_copy_cached_response(cache, b));
    url_cached_response_unref(hit);
    url_cached_response_unref(cached);
    url_request_unref(a);
    url_request_unref(b);
    url_cache_unref(cache);
}

static gpointer hammer(gpointer data)
{
    UrlCache *cache = data;
    for (int i = 0; i < 300; i++) {
        g_autofree char *url = g_strdup_printf("http://h/%d", i % 37);
        if (i % 3 == 0) {
            store(cache, url, 2000 + (size_t)i);
        } else {
            UrlRequest *request = request_for(url);
            UrlCachedResponse *cached = url_cache_copy_cached_response(cache, request);
            if (cached) {
                size_t length = 0;
                url_cached_response_get_data(cached, &length);
                g_assert_cmpuint(length, >=, 2000);
            }
            url_cached_response_unref(cached);
            url_request_unref(request);
        }
    }
    return NULL;
}

static void test_threads(void)
{
    g_autofree char *dir = temp_dir();
    UrlCache *cache = url_cache_new(64 * 1024, 128 * 1024, dir, NULL);
    GThread *threads[4];
    for (size_t i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("cache", hammer, cache);
    for (size_t i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
    g_assert_cmpuint(url_cache_get_current_memory_usage(cache), <=, 64 * 1024);
    g_assert_cmpuint(url_cache_get_current_disk_usage(cache), <=, 128 * 1024);
    url_cache_remove_all_cached_responses(cache);
    url_cache_unref(cache);
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cache_storage/entry-round-trip", test_entry_round_trip);
    g_test_add_func("/cache_storage/entry-refused", test_entry_refused);
    g_test_add_func("/cache_storage/memory-eviction", test_memory_eviction);
    g_test_add_func("/cache_storage/disk-tier", test_disk_tier);
    g_test_add_func("/cache_storage/vary-lookup", test_vary_lookup);
    g_test_add_func("/cache_storage/threads", test_threads);
    return g_test_run();
}
