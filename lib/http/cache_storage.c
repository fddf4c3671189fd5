/* cache_storage.c — UrlCache: a memory tier and an optional disk tier, each with its own
 * capacity and least-recently-used eviction. The disk tier keeps one file per key (a
 * SHA-256 of the key, ".entry"), written whole to a temporary file and renamed, so that a
 * crash leaves the old entry or the new one; an index of the files (size, and recency
 * from their mtime at startup) lives in memory. One mutex guards everything: tasks on the
 * network thread and the application may use a cache at the same time. */
#include "http/cache_storage.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "http/cache_policy.h"
#include "session/error.h"
#include "session/request.h"
#include "session/response.h"

#define SHARED_MEMORY_CAPACITY (4u * 1024 * 1024)
/* A response larger than 1/20 of a tier's capacity is not kept in that tier (NSURLCache
 * does the same with its disk capacity). */
#define ENTRY_FRACTION 20
#define ENTRY_SUFFIX   ".entry"

typedef struct {
    char *key;
    UrlCachedResponse *cached;
    size_t size;
    GList *link; /* in memory_lru, head = most recently used */
} MemoryEntry;

typedef struct {
    char *name; /* file name inside the directory */
    size_t size;
    gint64 mtime; /* for ordering at startup */
    GList *link;  /* in disk_lru */
} DiskEntry;

struct UrlCache {
    int ref_count; /* atomic */
    size_t memory_capacity;
    size_t disk_capacity;
    char *directory;    /* NULL: memory only */
    GMutex lock;        /* guards what follows */
    GHashTable *memory; /* key -> MemoryEntry */
    GQueue memory_lru;
    size_t memory_usage;
    GHashTable *disk; /* file name -> DiskEntry */
    GQueue disk_lru;
    size_t disk_usage;
};

static void memory_entry_free(gpointer data)
{
    MemoryEntry *entry = data;
    url_cached_response_unref(entry->cached);
    g_free(entry->key);
    g_free(entry);
}

static void disk_entry_free(gpointer data)
{
    DiskEntry *entry = data;
    g_free(entry->name);
    g_free(entry);
}

static char *file_name_for(const char *key)
{
    char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    char *name = g_strconcat(hash, ENTRY_SUFFIX, NULL);
    g_free(hash);
    return name;
}

static bool is_entry_name(const char *name)
{
    if (strlen(name) != 64 + strlen(ENTRY_SUFFIX) || !g_str_has_suffix(name, ENTRY_SUFFIX))
        return false;
    for (int i = 0; i < 64; i++)
        if (!g_ascii_isxdigit(name[i]) || g_ascii_isupper(name[i]))
            return false;
    return true;
}

/* What write_entry_file() leaves when interrupted: "<entry name>.xxxxxx". */
static bool is_temporary_name(const char *name)
{
    size_t entry_length = 64 + strlen(ENTRY_SUFFIX);
    if (strlen(name) != entry_length + 7 || name[entry_length] != '.')
        return false;
    char *entry = g_strndup(name, entry_length);
    bool temporary = is_entry_name(entry);
    g_free(entry);
    return temporary;
}

/* ---- memory tier (lock held) ------------------------------------------------------- */

static void memory_forget(UrlCache *cache, const char *key)
{
    MemoryEntry *entry = g_hash_table_lookup(cache->memory, key);
    if (entry == NULL)
        return;
    g_queue_delete_link(&cache->memory_lru, entry->link);
    cache->memory_usage -= entry->size;
    g_hash_table_remove(cache->memory, key);
}

static void memory_put(UrlCache *cache, const char *key, UrlCachedResponse *cached, size_t size)
{
    memory_forget(cache, key);
    if (size > cache->memory_capacity / ENTRY_FRACTION)
        return;
    MemoryEntry *entry = g_new0(MemoryEntry, 1);
    entry->key = g_strdup(key);
    entry->cached = url_cached_response_ref(cached);
    entry->size = size;
    g_queue_push_head(&cache->memory_lru, entry);
    entry->link = cache->memory_lru.head;
    g_hash_table_insert(cache->memory, entry->key, entry);
    cache->memory_usage += size;
    while (cache->memory_usage > cache->memory_capacity) {
        MemoryEntry *oldest = g_queue_peek_tail(&cache->memory_lru);
        memory_forget(cache, oldest->key);
    }
}

/* ---- disk tier (lock held) --------------------------------------------------------- */

static char *disk_path(const UrlCache *cache, const char *name)
{
    return g_build_filename(cache->directory, name, NULL);
}

static void disk_forget(UrlCache *cache, const char *name)
{
    DiskEntry *entry = g_hash_table_lookup(cache->disk, name);
    char *path = disk_path(cache, name);
    if (g_unlink(path) != 0 && errno != ENOENT)
        g_warning("urlsession: cannot remove the cache entry \"%s\": %s", path, g_strerror(errno));
    g_free(path);
    if (entry == NULL)
        return;
    g_queue_delete_link(&cache->disk_lru, entry->link);
    cache->disk_usage -= entry->size;
    g_hash_table_remove(cache->disk, name);
}

static void disk_forget_key(UrlCache *cache, const char *key)
{
    char *name = file_name_for(key);
    disk_forget(cache, name);
    g_free(name);
}

static void disk_index(UrlCache *cache, const char *name, size_t size, gint64 mtime)
{
    DiskEntry *entry = g_new0(DiskEntry, 1);
    entry->name = g_strdup(name);
    entry->size = size;
    entry->mtime = mtime;
    g_queue_push_head(&cache->disk_lru, entry);
    entry->link = cache->disk_lru.head;
    g_hash_table_insert(cache->disk, entry->name, entry);
    cache->disk_usage += size;
}

static void disk_evict(UrlCache *cache)
{
    while (cache->disk_usage > cache->disk_capacity) {
        DiskEntry *oldest = g_queue_peek_tail(&cache->disk_lru);
        char *name = g_strdup(oldest->name);
        disk_forget(cache, name);
        g_free(name);
    }
}

/* Writes @bytes to a temporary file beside @path and renames it into place, so that readers
 * see the old entry or the new one. There is no fsync: after a power loss an entry may be
 * missing or torn, and a torn one fails its checksum and is discarded when read. */
static bool write_entry_file(const char *path, GBytes *bytes, GError **error)
{
    char *temp = g_strdup_printf("%s.%06x", path, g_random_int() & 0xffffff);
    gsize size = 0;
    const char *data = g_bytes_get_data(bytes, &size);
    bool ok =
        g_file_set_contents_full(temp, data, (gssize)size, G_FILE_SET_CONTENTS_NONE, 0600, error);
    if (ok && g_rename(temp, path) != 0) {
        int saved = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "rename: %s",
                    g_strerror(saved));
        ok = false;
    }
    if (!ok)
        g_unlink(temp);
    g_free(temp);
    return ok;
}

static void disk_put(UrlCache *cache, const char *key, GBytes *encoded)
{
    char *name = file_name_for(key);
    disk_forget(cache, name); /* the old entry goes, whether or not the new one fits */
    gsize size = g_bytes_get_size(encoded);
    if (size <= cache->disk_capacity / ENTRY_FRACTION) {
        char *path = disk_path(cache, name);
        GError *error = NULL;
        if (write_entry_file(path, encoded, &error)) {
            disk_index(cache, name, size, g_get_real_time() / G_USEC_PER_SEC);
            disk_evict(cache);
        } else {
            g_warning("urlsession: cannot write the cache entry \"%s\": %s", path, error->message);
            g_error_free(error);
        }
        g_free(path);
    }
    g_free(name);
}

/* Reads the entry for @key; a file that does not decode, or holds another key, is
 * removed and never served. */
static UrlCachedResponse *disk_get(UrlCache *cache, const char *key)
{
    char *name = file_name_for(key);
    DiskEntry *entry = g_hash_table_lookup(cache->disk, name);
    UrlCachedResponse *cached = NULL;
    if (entry) {
        char *path = disk_path(cache, name);
        char *contents = NULL, *stored_key = NULL;
        gsize length = 0;
        const char *why = "cannot be read";
        if (g_file_get_contents(path, &contents, &length, NULL))
            cached = url__cache_entry_decode(contents, length, &stored_key, &why);
        if (cached && strcmp(stored_key, key) != 0) {
            why = "holds another URL";
            g_clear_pointer(&cached, url_cached_response_unref);
        }
        if (cached == NULL) {
            g_message("urlsession: discarding the cache entry \"%s\": %s", path, why);
            disk_forget(cache, name);
        } else {
            g_queue_unlink(&cache->disk_lru, entry->link);
            g_queue_push_head_link(&cache->disk_lru, entry->link);
            g_utime(path, NULL);
        }
        g_free(stored_key);
        g_free(contents);
        g_free(path);
    }
    g_free(name);
    return cached;
}

static int by_mtime(gconstpointer a, gconstpointer b, gpointer unused)
{
    const DiskEntry *x = a, *y = b;
    return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : 0;
}

/* Indexes the entry files already in the directory, newest first; removes temporary
 * files a crash left behind. */
static void disk_scan(UrlCache *cache)
{
    GDir *dir = g_dir_open(cache->directory, 0, NULL);
    if (dir == NULL)
        return;
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
        char *path = disk_path(cache, name);
        GStatBuf st;
        if (is_entry_name(name) && g_stat(path, &st) == 0 && S_ISREG(st.st_mode))
            disk_index(cache, name, (size_t)st.st_size, (gint64)st.st_mtime);
        else if (is_temporary_name(name))
            g_unlink(path);
        g_free(path);
    }
    g_dir_close(dir);
    g_queue_sort(&cache->disk_lru, by_mtime, NULL);
    disk_evict(cache);
}

/* ---- the cache ---------------------------------------------------------------------- */

static UrlCache *cache_new(size_t memory_capacity, size_t disk_capacity, const char *directory)
{
    UrlCache *cache = g_new0(UrlCache, 1);
    cache->ref_count = 1;
    cache->memory_capacity = memory_capacity;
    cache->disk_capacity = directory ? disk_capacity : 0;
    cache->directory = g_strdup(directory);
    g_mutex_init(&cache->lock);
    cache->memory = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, memory_entry_free);
    cache->disk = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, disk_entry_free);
    g_queue_init(&cache->memory_lru);
    g_queue_init(&cache->disk_lru);
    if (directory)
        disk_scan(cache);
    return cache;
}

UrlCache *url_cache_new(size_t memory_capacity, size_t disk_capacity, const char *directory,
                        UrlError **error)
{
    if (directory && g_mkdir_with_parents(directory, 0700) != 0) {
        int saved = errno;
        if (error)
            *error = url__error_newf(URL_ERROR_CANNOT_CREATE_FILE, NULL,
                                     "cannot create the cache directory \"%s\": %s", directory,
                                     g_strerror(saved));
        return NULL;
    }
    return cache_new(memory_capacity, disk_capacity, directory);
}

UrlCache *url_cache_shared(void)
{
    static UrlCache *shared;
    if (g_once_init_enter(&shared))
        g_once_init_leave(&shared, cache_new(SHARED_MEMORY_CAPACITY, 0, NULL));
    return shared;
}

UrlCache *url_cache_ref(UrlCache *cache)
{
    g_return_val_if_fail(cache != NULL, NULL);
    g_atomic_int_inc(&cache->ref_count);
    return cache;
}

void url_cache_unref(UrlCache *cache)
{
    if (cache == NULL || !g_atomic_int_dec_and_test(&cache->ref_count))
        return;
    g_queue_clear(&cache->memory_lru);
    g_queue_clear(&cache->disk_lru);
    g_hash_table_unref(cache->memory);
    g_hash_table_unref(cache->disk);
    g_mutex_clear(&cache->lock);
    g_free(cache->directory);
    g_free(cache);
}

size_t url_cache_get_memory_capacity(const UrlCache *cache)
{
    g_return_val_if_fail(cache != NULL, 0);
    return cache->memory_capacity;
}

size_t url_cache_get_disk_capacity(const UrlCache *cache)
{
    g_return_val_if_fail(cache != NULL, 0);
    return cache->disk_capacity;
}

size_t url_cache_get_current_memory_usage(UrlCache *cache)
{
    g_return_val_if_fail(cache != NULL, 0);
    g_mutex_lock(&cache->lock);
    size_t usage = cache->memory_usage;
    g_mutex_unlock(&cache->lock);
    return usage;
}

size_t url_cache_get_current_disk_usage(UrlCache *cache)
{
    g_return_val_if_fail(cache != NULL, 0);
    g_mutex_lock(&cache->lock);
    size_t usage = cache->disk_usage;
    g_mutex_unlock(&cache->lock);
    return usage;
}

size_t url__cache_max_entry_bytes(const UrlCache *cache)
{
    return MAX(cache->memory_capacity, cache->disk_capacity) / ENTRY_FRACTION;
}

UrlCachedResponse *url__cache_lookup(UrlCache *cache, const char *key,
                                     const UrlHeaderList *request_headers)
{
    g_mutex_lock(&cache->lock);
    UrlCachedResponse *cached = NULL;
    MemoryEntry *entry = g_hash_table_lookup(cache->memory, key);
    if (entry) {
        cached = url_cached_response_ref(entry->cached);
        g_queue_unlink(&cache->memory_lru, entry->link);
        g_queue_push_head_link(&cache->memory_lru, entry->link);
    } else if (cache->directory) {
        cached = disk_get(cache, key);
        if (cached)
            memory_put(cache, key, cached, url__cache_entry_encoded_size(key, cached));
    }
    g_mutex_unlock(&cache->lock);
    if (cached && !url__cache_vary_matches(url__response_get_headers(cached->response),
                                           cached->vary, request_headers))
        g_clear_pointer(&cached, url_cached_response_unref);
    return cached;
}

void url__cache_store(UrlCache *cache, const char *key, UrlCachedResponse *cached)
{
    if (cached->storage_policy == URL_CACHE_STORAGE_NOT_ALLOWED)
        return;
    /* Only the disk tier needs the encoded, checksummed bytes: encoding every response
     * for the memory tier cost more than the whole request (SHA-256 over each body). */
    bool to_disk = cache->directory && cached->storage_policy == URL_CACHE_STORAGE_ALLOWED;
    GBytes *encoded = to_disk ? url__cache_entry_encode(key, cached) : NULL;
    g_mutex_lock(&cache->lock);
    memory_put(cache, key, cached, url__cache_entry_encoded_size(key, cached));
    if (to_disk)
        disk_put(cache, key, encoded);
    else if (cache->directory)
        disk_forget_key(cache, key);
    g_mutex_unlock(&cache->lock);
    if (encoded)
        g_bytes_unref(encoded);
}

void url__cache_remove_key(UrlCache *cache, const char *key)
{
    g_mutex_lock(&cache->lock);
    memory_forget(cache, key);
    if (cache->directory)
        disk_forget_key(cache, key);
    g_mutex_unlock(&cache->lock);
}

UrlCachedResponse *url_cache_copy_cached_response(UrlCache *cache, const UrlRequest *request)
{
    g_return_val_if_fail(cache != NULL && request != NULL, NULL);
    char *key = url__cache_key(request->url);
    UrlCachedResponse *cached = url__cache_lookup(cache, key, request->headers);
    g_free(key);
    return cached;
}

void url_cache_store_cached_response(UrlCache *cache, UrlCachedResponse *cached,
                                     const UrlRequest *request)
{
    g_return_if_fail(cache != NULL && cached != NULL && request != NULL);
    UrlHeaderList *vary =
        url__cache_vary_capture(url__response_get_headers(cached->response), request->headers);
    UrlCachedResponse *with_vary =
        url__cached_response_new_full(cached->response, cached->data, cached->storage_policy,
                                      cached->request_time, cached->response_time, vary);
    char *key = url__cache_key(request->url);
    url__cache_store(cache, key, with_vary);
    g_free(key);
    url_cached_response_unref(with_vary);
    url__header_list_free(vary);
}

void url_cache_remove_cached_response(UrlCache *cache, const UrlRequest *request)
{
    g_return_if_fail(cache != NULL && request != NULL);
    char *key = url__cache_key(request->url);
    url__cache_remove_key(cache, key);
    g_free(key);
}

void url_cache_remove_all_cached_responses(UrlCache *cache)
{
    g_return_if_fail(cache != NULL);
    g_mutex_lock(&cache->lock);
    while (!g_queue_is_empty(&cache->memory_lru)) {
        MemoryEntry *entry = g_queue_peek_tail(&cache->memory_lru);
        memory_forget(cache, entry->key);
    }
    while (!g_queue_is_empty(&cache->disk_lru)) {
        DiskEntry *entry = g_queue_peek_tail(&cache->disk_lru);
        char *name = g_strdup(entry->name);
        disk_forget(cache, name);
        g_free(name);
    }
    g_mutex_unlock(&cache->lock);
}
