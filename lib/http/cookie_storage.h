/* cookie_storage.h — what a task needs of a UrlCookieStorage: the Cookie header for a
 * request, and storing a response's Set-Cookie fields. Any thread. */
#ifndef URL_HTTP_COOKIE_STORAGE_H
#define URL_HTTP_COOKIE_STORAGE_H

#include <urlsession/cookies.h>

/* The Cookie header value for a request to @url at @now ("a=1; b=2", most specific path
 * first), or NULL when no cookie matches. g_free() it. */
char *url__cookie_storage_header_for(UrlCookieStorage *storage, const char *url, double now);

/* Stores (or, expired, deletes) the cookie of one Set-Cookie value received for @url,
 * under @policy; @main_document_url (nullable) is the request's main document, for
 * URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN. Returns whether the storage changed. */
bool url__cookie_storage_take(UrlCookieStorage *storage, const char *set_cookie, const char *url,
                              const char *main_document_url, UrlCookieAcceptPolicy policy,
                              double now);

#endif
