/* task_cache.h — a task and the session's UrlCache: the lookup before the first hop
 * (answering from the cache, failing a return-cache-data-don't-load request, or preparing
 * a revalidation), the conditional headers, the 304 that refreshes the stored response,
 * collecting a storable body, and storing it (through the delegate's
 * data_will_cache_response when it has one). Network thread only. */
#ifndef URL_SESSION_TASK_CACHE_H
#define URL_SESSION_TASK_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <urlsession/response.h>

#include <glib.h>

#include "http/header_list.h"

typedef struct UrlSessionTask UrlSessionTask;

/* Whether url__task_cache_begin() could answer the task: it uses a cache, or its policy
 * is return-cache-data-don't-load. When not, the headers it takes need not be built. */
bool url__task_cache_may_answer(UrlSessionTask *task);
/* Before the task's first hop, with the headers it would send: true when the task is
 * answered without the network (a cache hit, or URL_ERROR_RESOURCE_UNAVAILABLE); false
 * when the hop goes ahead. */
bool url__task_cache_begin(UrlSessionTask *task, const UrlHeaderList *headers);
/* Adds If-None-Match / If-Modified-Since to a hop that revalidates the stored response. */
void url__task_cache_add_headers(UrlSessionTask *task, UrlHeaderList *headers);
/* The final response of a hop: returns the one the task reports (transfer full): for a 304
 * to a revalidation, the stored response refreshed with the 304's headers; otherwise
 * @response, whose body is collected when it may be stored. */
UrlResponse *url__task_cache_on_response(UrlSessionTask *task, UrlResponse *response);
/* Body bytes the task accepted. */
void url__task_cache_on_body(UrlSessionTask *task, const char *data, size_t length);
/* The hop carrying the final response ended well: stores what was collected, or refreshes
 * the stored entry after a 304 and returns its body (the task's body), else NULL. */
GByteArray *url__task_cache_transfer_done(UrlSessionTask *task);
/* Drops everything (the task ended). */
void url__task_cache_clear(UrlSessionTask *task);

#endif
