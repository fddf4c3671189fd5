/* cache_policy.h — RFC 9111 decisions for a private cache: Cache-Control, whether a
 * response may be stored, its freshness and age, Vary matching, and the 304 update. Pure
 * functions of headers and times (seconds since the epoch). */
#ifndef URL_HTTP_CACHE_POLICY_H
#define URL_HTTP_CACHE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "http/header_list.h"

/* The directives of one Cache-Control field (all of its lines joined). Delta-seconds are
 * -1 when absent. Unknown directives are ignored (RFC 9111 §5.2.3). */
typedef struct {
    bool no_store;
    bool no_cache; /* also the qualified form no-cache="field" (treated as unqualified) */
    bool must_revalidate;
    bool is_private;
    bool is_public;
    int64_t max_age;
    int64_t s_maxage; /* parsed, ignored by this private cache */
} UrlCacheControl;

void url__cache_control_parse(const char *value, UrlCacheControl *out);

/* Whether a response to @method with @request_headers may be stored (RFC 9111 §3): GET,
 * a status understood and cacheable by default or with explicit freshness, no no-store
 * on either side, no "Vary: *". Authorization in the request does not prevent storing:
 * §3.5 restricts shared caches only. A 206 is never stored. */
bool url__cache_response_is_storable(const char *method, const UrlHeaderList *request_headers,
                                     int status, const UrlHeaderList *response_headers);

/* Whether @request_headers keep the cache out entirely: a Range or conditional header the
 * application set itself (its own validators are its business), or no-store. */
bool url__cache_request_bypasses(const UrlHeaderList *request_headers);

/* RFC 9111 §4.2.1: max-age, else Expires - Date (Date missing: @response_time); no
 * heuristic freshness. 0 when nothing gives a lifetime (the response is stale at once). */
double url__cache_freshness_lifetime(const UrlHeaderList *response_headers, double response_time);

/* RFC 9111 §4.2.3: the current age of a response requested at @request_time, received at
 * @response_time, at @now. */
double url__cache_current_age(const UrlHeaderList *response_headers, double request_time,
                              double response_time, double now);

typedef enum {
    URL_CACHE_FRESH,      /* answer with it, no request */
    URL_CACHE_REVALIDATE, /* stale or no-cache, and it has a validator */
    URL_CACHE_UNUSABLE,   /* stale without a validator */
} UrlCacheVerdict;

/* What the protocol policy does with a stored response for a request with
 * @request_headers (request no-cache, Pragma: no-cache and max-age count). */
UrlCacheVerdict url__cache_evaluate(const UrlHeaderList *response_headers, double request_time,
                                    double response_time, const UrlHeaderList *request_headers,
                                    double now);

/* The request header values a response's Vary names, to store with it: a list of
 * (lower-case name, joined value) for the headers the request has. */
UrlHeaderList *url__cache_vary_capture(const UrlHeaderList *response_headers,
                                       const UrlHeaderList *request_headers);
/* Whether @request_headers select the stored response: every header its Vary names has
 * the stored value (absent matches absent); "Vary: *" never matches. */
bool url__cache_vary_matches(const UrlHeaderList *response_headers, const UrlHeaderList *stored,
                             const UrlHeaderList *request_headers);

/* RFC 9111 §4.3.4: the stored header fields updated with those of a 304 (@fresh): each
 * field the 304 carries replaces the stored ones of that name, except the ones that
 * describe the stored content (Content-Length, Content-Encoding, Content-Type,
 * Content-Range, Transfer-Encoding). Returns a new list. */
UrlHeaderList *url__cache_merge_not_modified(const UrlHeaderList *stored,
                                             const UrlHeaderList *fresh);

/* The cache key of @url: the URL without its fragment; g_free() it. */
char *url__cache_key(const char *url);

#endif
