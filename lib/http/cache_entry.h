/* cache_entry.h — UrlCachedResponse and its file format: a stored response with its body,
 * when it was requested and received, and the request header values its Vary names. */
#ifndef URL_HTTP_CACHE_ENTRY_H
#define URL_HTTP_CACHE_ENTRY_H

#include <urlsession/cache.h>

#include <glib.h>

#include "http/header_list.h"

struct UrlCachedResponse {
    int ref_count; /* atomic; the fields never change after creation */
    UrlResponse *response;
    GBytes *data;
    UrlCacheStoragePolicy storage_policy;
    double request_time;  /* seconds since the epoch: when the request went out */
    double response_time; /* ... and when its response arrived */
    UrlHeaderList *vary;  /* (lower-case name, value) the request had; may be empty */
};

/* Takes a reference to @response and @data; copies @vary (nullable: none). */
UrlCachedResponse *url__cached_response_new_full(const UrlResponse *response, GBytes *data,
                                                 UrlCacheStoragePolicy policy, double request_time,
                                                 double response_time, const UrlHeaderList *vary);
/* @cached with the times and Vary values of @meta (an answer of will-cache-response
 * keeps what the proposed response knew); transfer full. */
UrlCachedResponse *url__cached_response_with_meta(UrlCachedResponse *cached,
                                                  const UrlCachedResponse *meta);

/* The entry file: "URLSCACH", u32 version, u32 metadata length, u64 body length, 32
 * bytes of SHA-256 over metadata and body, then the metadata (key, response URL, HTTP
 * version, status, storage policy, request and response times, headers, Vary values:
 * integers little-endian, strings as u32 length + bytes without NUL) and the body. */
#define URL__CACHE_ENTRY_MAGIC   "URLSCACH"
#define URL__CACHE_ENTRY_VERSION 1u

GBytes *url__cache_entry_encode(const char *key, const UrlCachedResponse *cached);
/* The length url__cache_entry_encode would return, computed without encoding or
 * checksumming: what an entry costs in the memory tier. */
size_t url__cache_entry_encoded_size(const char *key, const UrlCachedResponse *cached);
/* Returns NULL (setting @why to a static reason when not NULL) for anything that is not a
 * complete, intact entry of this version: wrong magic or version, lengths that do not add
 * up, a checksum mismatch, strings with NUL, CR or LF, an impossible status. */
UrlCachedResponse *url__cache_entry_decode(const void *data, size_t length, char **key,
                                           const char **why);

#endif
