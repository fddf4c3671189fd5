/* cache_storage.h — what a task needs of a UrlCache: look a key up for a request, store
 * and forget entries, and the largest entry worth collecting. Any thread. */
#ifndef URL_HTTP_CACHE_STORAGE_H
#define URL_HTTP_CACHE_STORAGE_H

#include <urlsession/cache.h>

#include "http/cache_entry.h"
#include "http/header_list.h"

/* The response stored for @key that @request_headers select (Vary), however old; NULL
 * when none. A corrupt entry file is removed on the way. Transfer full. */
UrlCachedResponse *url__cache_lookup(UrlCache *cache, const char *key,
                                     const UrlHeaderList *request_headers);
/* Stores @cached (its own Vary values and times) under @key, replacing what was there. */
void url__cache_store(UrlCache *cache, const char *key, UrlCachedResponse *cached);
void url__cache_remove_key(UrlCache *cache, const char *key);
/* Bytes of body beyond which a response fits in no tier: not worth collecting. */
size_t url__cache_max_entry_bytes(const UrlCache *cache);

#endif
