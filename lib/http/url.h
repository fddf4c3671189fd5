/* url.h — URL checks and manipulation on libcurl's URL API (CURLU). */
#ifndef URL_HTTP_URL_H
#define URL_HTTP_URL_H

#include <stdbool.h>

#include <curl/curl.h>
#include <urlsession/error.h>

/* Parses @url with curl_url(); only absolute http and https URLs with a host are
 * accepted. Returns the normalised URL (g_free() it) or NULL with @error set:
 * URL_ERROR_BAD_URL with curl's reason ("bad URL "x": Port number was not a decimal
 * number between 0 and 65535"), URL_ERROR_UNSUPPORTED_URL for other schemes. */
char *url__url_normalize(const char *url, UrlError **error);

/* @url parsed by curl_url_set() with @flags (0 or CURLU_NON_SUPPORT_SCHEME), or NULL
 * when curl refuses it. The handle is borrowed from a per-thread cache of the last URL
 * parsed: read it with curl_url_get() at once, never change it, and do not keep it
 * across another url__url_* call. */
CURLU *url__url_parse(const char *url, unsigned flags);

/* Resolves a Location value against @base (relative references, RFC 3986 §5), then
 * normalises it as above. */
char *url__url_resolve(const char *base, const char *location, UrlError **error);

/* The URL with any user:password removed, for messages and logs; g_free() it. Returns a
 * copy of the input when it cannot be parsed. */
char *url__url_redact(const char *url);

/* Whether two absolute URLs share scheme, host and port (default ports filled in). */
bool url__url_same_origin(const char *a, const char *b);

/* Whether @url's scheme is https. */
bool url__url_is_https(const char *url);

/* The last non-empty path segment, percent-decoded, or NULL; g_free() it. */
char *url__url_last_path_segment(const char *url);

#endif
