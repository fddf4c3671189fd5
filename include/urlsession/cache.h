/* cache.h — the HTTP cache (RFC 9111): UrlCache, UrlCachedResponse, cache policies. */
#ifndef URLSESSION_CACHE_H
#define URLSESSION_CACHE_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * UrlRequestCachePolicy:
 * @URL_REQUEST_USE_PROTOCOL_CACHE_POLICY: RFC 9111: a fresh stored response answers
 *   without a request; a stale one (or one marked no-cache) is revalidated with
 *   If-None-Match / If-Modified-Since, and a 304 answers with the stored body.
 * @URL_REQUEST_RELOAD_IGNORING_LOCAL_CACHE_DATA: always asks the server; the answer may
 *   still be stored.
 * @URL_REQUEST_RETURN_CACHE_DATA_ELSE_LOAD: a stored response answers however old it is;
 *   without one the request goes to the server.
 * @URL_REQUEST_RETURN_CACHE_DATA_DONT_LOAD: a stored response answers however old it is;
 *   without one the task fails with URL_ERROR_RESOURCE_UNAVAILABLE (-1008) and nothing
 *   goes to the network.
 *
 * How a request uses the session's cache; the values are NSURLRequest.CachePolicy's.
 */
typedef enum {
    URL_REQUEST_USE_PROTOCOL_CACHE_POLICY = 0,
    URL_REQUEST_RELOAD_IGNORING_LOCAL_CACHE_DATA = 1,
    URL_REQUEST_RETURN_CACHE_DATA_ELSE_LOAD = 2,
    URL_REQUEST_RETURN_CACHE_DATA_DONT_LOAD = 3,
} UrlRequestCachePolicy;

/**
 * UrlCacheStoragePolicy:
 * @URL_CACHE_STORAGE_ALLOWED: in memory and on disk.
 * @URL_CACHE_STORAGE_ALLOWED_IN_MEMORY_ONLY: in memory only.
 * @URL_CACHE_STORAGE_NOT_ALLOWED: not stored.
 *
 * Where a UrlCachedResponse may be kept.
 */
typedef enum {
    URL_CACHE_STORAGE_ALLOWED = 0,
    URL_CACHE_STORAGE_ALLOWED_IN_MEMORY_ONLY = 1,
    URL_CACHE_STORAGE_NOT_ALLOWED = 2,
} UrlCacheStoragePolicy;

/**
 * url_cached_response_new:
 * @response: (transfer none): the response; the cached response keeps a reference
 * @data: (nullable): the body, copied
 * @length: bytes at @data
 * @policy: where it may be stored
 *
 * A response with its body, as a cache stores it (NSCachedURLResponse). Its age counts
 * from now and from its Date header.
 *
 * Returns: (transfer full): release with url_cached_response_unref()
 * Thread: any
 */
URL_API UrlCachedResponse *url_cached_response_new(const UrlResponse *response, const void *data,
                                                   size_t length, UrlCacheStoragePolicy policy);
/** url_cached_response_ref: Returns: (transfer full) @cached. Thread: any */
URL_API UrlCachedResponse *url_cached_response_ref(UrlCachedResponse *cached);
/** url_cached_response_unref: releases a reference. Thread: any */
URL_API void url_cached_response_unref(UrlCachedResponse *cached);
/** Returns: (transfer none): the response; valid while @cached lives. Thread: any */
URL_API const UrlResponse *url_cached_response_get_response(const UrlCachedResponse *cached);
/**
 * url_cached_response_get_data:
 * @length: (out) (optional): the body's length
 * Returns: (transfer none): the body; valid while @cached lives
 * Thread: any
 */
URL_API const void *url_cached_response_get_data(const UrlCachedResponse *cached, size_t *length);
/** Returns: where @cached may be stored. Thread: any */
URL_API UrlCacheStoragePolicy
url_cached_response_get_storage_policy(const UrlCachedResponse *cached);

/**
 * url_cache_new:
 * @memory_capacity: bytes of responses kept in memory (0: none)
 * @disk_capacity: bytes of responses kept in @directory (ignored without one)
 * @directory: (nullable): where entries persist, created if missing (mode 0700); copied.
 *   NULL: a memory-only cache.
 * @error: (out) (optional): why @directory cannot be used
 *
 * A cache with least-recently-used eviction in each tier. A response larger than 5 % of a
 * tier's capacity is not kept in that tier. On disk each entry is one file (a hash of its
 * URL), written to a temporary file and renamed; a file that is truncated, corrupt or not
 * an entry of this library is removed when read and never served, so a new cache on the
 * same directory (after a restart) finds what an earlier one stored. A cache may be used
 * from any thread and shared by sessions.
 *
 * Returns: (transfer full) (nullable): the cache, NULL when @directory cannot be created
 *   (URL_ERROR_CANNOT_CREATE_FILE); release with url_cache_unref()
 * Thread: any
 */
URL_API UrlCache *url_cache_new(size_t memory_capacity, size_t disk_capacity, const char *directory,
                                UrlError **error);
/**
 * url_cache_shared:
 * Returns: (transfer none): the process-wide cache of default configurations: memory
 *   only, 4 MiB
 * Thread: any
 */
URL_API UrlCache *url_cache_shared(void);
/** url_cache_ref: Returns: (transfer full) @cache. Thread: any */
URL_API UrlCache *url_cache_ref(UrlCache *cache);
/** url_cache_unref: releases a reference; the files stay on disk. Thread: any */
URL_API void url_cache_unref(UrlCache *cache);
/** Returns: the memory capacity in bytes. Thread: any */
URL_API size_t url_cache_get_memory_capacity(const UrlCache *cache);
/** Returns: the disk capacity in bytes (0 for a memory-only cache). Thread: any */
URL_API size_t url_cache_get_disk_capacity(const UrlCache *cache);
/** Returns: bytes the memory tier holds now (entries as encoded). Thread: any */
URL_API size_t url_cache_get_current_memory_usage(UrlCache *cache);
/** Returns: bytes of entry files on disk now. Thread: any */
URL_API size_t url_cache_get_current_disk_usage(UrlCache *cache);
/**
 * url_cache_copy_cached_response:
 * @request: (transfer none): a GET request; its URL without the fragment is the key, and
 *   its headers must match the values the stored response's Vary names
 *
 * Returns: (transfer full) (nullable): the stored response, however old, or NULL;
 *   release with url_cached_response_unref()
 * Thread: any
 */
URL_API UrlCachedResponse *url_cache_copy_cached_response(UrlCache *cache,
                                                          const UrlRequest *request);
/**
 * url_cache_store_cached_response:
 * @cached: (transfer none): stored (a reference is kept) for @request's URL, replacing
 *   what was there, unless its storage policy is URL_CACHE_STORAGE_NOT_ALLOWED
 * @request: (transfer none): the request it answers; the values of the headers its Vary
 *   names are taken from it
 * Thread: any
 */
URL_API void url_cache_store_cached_response(UrlCache *cache, UrlCachedResponse *cached,
                                             const UrlRequest *request);
/** url_cache_remove_cached_response: forgets @request's URL (memory and disk). Thread: any */
URL_API void url_cache_remove_cached_response(UrlCache *cache, const UrlRequest *request);
/** url_cache_remove_all_cached_responses: empties both tiers. Thread: any */
URL_API void url_cache_remove_all_cached_responses(UrlCache *cache);

/**
 * url_cache_response_handler_complete:
 * @cached: (transfer none) (nullable): what to store: the proposed response, another
 *   one (for example with other headers, or URL_CACHE_STORAGE_ALLOWED_IN_MEMORY_ONLY), or
 *   NULL to store nothing
 *
 * Answers data_will_cache_response; the cache is written during this call. Default (no
 * answer): store the proposed response.
 * Thread: any
 */
URL_API void url_cache_response_handler_complete(UrlCacheResponseHandler *handler,
                                                 UrlCachedResponse *cached);
/** url_cache_response_handler_ref: Returns: (transfer full) @handler. Thread: any */
URL_API UrlCacheResponseHandler *url_cache_response_handler_ref(UrlCacheResponseHandler *handler);
/** url_cache_response_handler_unref: without an answer, the last unref stores. Thread: any */
URL_API void url_cache_response_handler_unref(UrlCacheResponseHandler *handler);

#ifdef __cplusplus
}
#endif

#endif
