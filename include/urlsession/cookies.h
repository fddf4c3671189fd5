/* cookies.h — HTTP cookies (RFC 6265): UrlCookie and UrlCookieStorage. */
#ifndef URLSESSION_COOKIES_H
#define URLSESSION_COOKIES_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * UrlCookieAcceptPolicy:
 * @URL_COOKIE_ACCEPT_ALWAYS: every cookie RFC 6265 allows is stored.
 * @URL_COOKIE_ACCEPT_NEVER: no cookie is stored (stored ones are still sent).
 * @URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN: a cookie is stored only when its
 *   domain lies within the site (registrable domain) of the request's main document
 *   URL (url_request_set_main_document_url()); a request without one accepts as ALWAYS.
 */
typedef enum {
    URL_COOKIE_ACCEPT_ALWAYS = 0,
    URL_COOKIE_ACCEPT_NEVER = 1,
    URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN = 2,
} UrlCookieAcceptPolicy;

/**
 * url_cookie_new:
 * @name: the name, not empty, without ";", "=" or control characters; copied
 * @value: the value, without ";" or control characters; copied
 * @domain: the host the cookie is for ("example.org": that host only), or with a leading
 *   dot (".example.org") for the domain and its subdomains; copied
 * @path: (nullable): the path prefix it applies to; NULL or not starting with "/": "/"
 * @expires: when it expires, seconds since the epoch; 0 for a session cookie
 *
 * Returns: (transfer full) (nullable): a new cookie, NULL when @name or @value is not
 *   allowed; release with url_cookie_unref()
 * Thread: any
 */
URL_API UrlCookie *url_cookie_new(const char *name, const char *value, const char *domain,
                                  const char *path, double expires, bool secure, bool http_only);
/** url_cookie_ref: Returns: (transfer full) @cookie. Thread: any */
URL_API UrlCookie *url_cookie_ref(UrlCookie *cookie);
/** url_cookie_unref: releases a reference. Thread: any */
URL_API void url_cookie_unref(UrlCookie *cookie);
/** Returns: (transfer none): the name; valid while @cookie lives. Thread: any */
URL_API const char *url_cookie_get_name(const UrlCookie *cookie);
/** Returns: (transfer none): the value; valid while @cookie lives. Thread: any */
URL_API const char *url_cookie_get_value(const UrlCookie *cookie);
/** Returns: (transfer none): the domain, lower case, without a leading dot. Thread: any */
URL_API const char *url_cookie_get_domain(const UrlCookie *cookie);
/** Returns: (transfer none): the path. Thread: any */
URL_API const char *url_cookie_get_path(const UrlCookie *cookie);
/** Returns: the expiry, seconds since the epoch; 0 for a session cookie. Thread: any */
URL_API double url_cookie_get_expires_date(const UrlCookie *cookie);
/** Returns: whether the cookie ends with the process (no Expires or Max-Age). Thread: any */
URL_API bool url_cookie_is_session_only(const UrlCookie *cookie);
/** Returns: whether it goes to its host only (no Domain attribute). Thread: any */
URL_API bool url_cookie_is_host_only(const UrlCookie *cookie);
/** Returns: whether it goes over https only. Thread: any */
URL_API bool url_cookie_is_secure(const UrlCookie *cookie);
/** Returns: whether it had HttpOnly (kept; every request here is HTTP). Thread: any */
URL_API bool url_cookie_is_http_only(const UrlCookie *cookie);
/**
 * url_cookie_get_same_site_policy:
 * Returns: (transfer none) (nullable): "Strict", "Lax" or "None" as the server set it;
 *   kept for the application (a session has no notion of a site making the request)
 * Thread: any
 */
URL_API const char *url_cookie_get_same_site_policy(const UrlCookie *cookie);

/**
 * url_cookie_storage_new:
 * Returns: (transfer full): an empty storage in memory; release with url_cookie_storage_unref()
 * Thread: any
 */
URL_API UrlCookieStorage *url_cookie_storage_new(void);
/**
 * url_cookie_storage_new_with_file:
 * @path: the file, copied; it need not exist yet
 * @error: (out) (optional): why the file could not be read
 *
 * A storage that starts with the cookies of @path and writes its persistent cookies
 * (not the session ones) back with url_cookie_storage_save() and when its last reference
 * goes. The file is versioned text written to a temporary file and renamed into place.
 *
 * Returns: (transfer full) (nullable): the storage; NULL when @path cannot be read
 *   (URL_ERROR_CANNOT_OPEN_FILE) or is not a cookie file of this library, or is corrupt
 *   (URL_ERROR_CANNOT_DECODE_RAW_DATA)
 * Thread: any
 */
URL_API UrlCookieStorage *url_cookie_storage_new_with_file(const char *path, UrlError **error);
/**
 * url_cookie_storage_shared:
 * Returns: (transfer none): the process-wide storage default configurations share
 * Thread: any
 */
URL_API UrlCookieStorage *url_cookie_storage_shared(void);
/** url_cookie_storage_ref: Returns: (transfer full) @storage. Thread: any */
URL_API UrlCookieStorage *url_cookie_storage_ref(UrlCookieStorage *storage);
/** url_cookie_storage_unref: the last reference saves a file-backed storage. Thread: any */
URL_API void url_cookie_storage_unref(UrlCookieStorage *storage);
/**
 * url_cookie_storage_save:
 * Returns: true when the file was written (always for a storage without a file); false
 *   with @error (URL_ERROR_CANNOT_WRITE_TO_FILE) otherwise
 * Thread: any
 */
URL_API bool url_cookie_storage_save(UrlCookieStorage *storage, UrlError **error);
/**
 * url_cookie_storage_set_cookie:
 * @cookie: (transfer none): stored (the storage keeps a reference), replacing the cookie
 *   of the same name, domain and path; an expired one only removes that
 * Thread: any
 */
URL_API void url_cookie_storage_set_cookie(UrlCookieStorage *storage, UrlCookie *cookie);
/**
 * url_cookie_storage_delete_cookie:
 * Returns: whether a cookie of @cookie's name, domain and path was stored (and is gone)
 * Thread: any
 */
URL_API bool url_cookie_storage_delete_cookie(UrlCookieStorage *storage, const UrlCookie *cookie);
/**
 * url_cookie_storage_copy_cookies:
 * @url: (nullable): only the cookies a request to @url would send, in the order it would
 *   send them; NULL: every live cookie
 * @count: (out): the number of cookies
 * Returns: (transfer full): a NULL-terminated array; free it with url_cookie_list_free()
 * Thread: any
 */
URL_API UrlCookie **url_cookie_storage_copy_cookies(UrlCookieStorage *storage, const char *url,
                                                    size_t *count);
/** url_cookie_list_free: releases an array from url_cookie_storage_copy_cookies(). Thread: any */
URL_API void url_cookie_list_free(UrlCookie **cookies, size_t count);

#ifdef __cplusplus
}
#endif

#endif
