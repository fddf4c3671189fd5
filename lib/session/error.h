/* error.h — internal constructors for UrlError. */
#ifndef URL_SESSION_ERROR_PRIVATE_H
#define URL_SESSION_ERROR_PRIVATE_H

#include <urlsession/error.h>

#include <glib.h>

/* Creates an error whose message is formatted; @failing_url is redacted (userinfo
 * removed) before it is stored. */
UrlError *url__error_newf(UrlErrorCode code, const char *failing_url, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* Stores a new error in *@out when @out is not NULL (and *@out is NULL: the first error
 * wins); does nothing otherwise. For functions with a `UrlError **error` parameter. */
void url__error_set(UrlError **out, UrlErrorCode code, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* @text between double quotes with C escapes (\r, \n, \t, \", \\, \xHH for other control
 * bytes and for bytes that are not valid UTF-8), so that a message names a bad value
 * exactly and stays printable: header name contains CR or LF: "X-A\r". NULL gives the
 * word NULL, unquoted. g_free() it. */
char *url__error_quote(const char *text);

/* A copy of @error carrying @resume_data (a reference is taken). */
UrlError *url__error_with_resume_data(const UrlError *error, GBytes *resume_data);

/* A copy of @error carrying the @count numeric addresses a connection was attempted to,
 * in order (copied). */
UrlError *url__error_with_addresses_tried(const UrlError *error, const char *const *addresses,
                                          size_t count);

#endif
