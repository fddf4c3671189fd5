/* response.h — building a UrlResponse from what the HTTP driver parsed. */
#ifndef URL_SESSION_RESPONSE_PRIVATE_H
#define URL_SESSION_RESPONSE_PRIVATE_H

#include <urlsession/response.h>

#include "http/header_list.h"

/* Creates a response. Takes ownership of @headers. @http_version is "http/1.0",
 * "http/1.1" or "h2". MIME type, text encoding, expected length and the suggested
 * filename are derived here from the headers and @url. */
UrlResponse *url__response_new(int status_code, const char *url, const char *http_version,
                               UrlHeaderList *headers);

/* The response's header list, borrowed. */
const UrlHeaderList *url__response_get_headers(const UrlResponse *response);

/* Makes a name safe to create inside a chosen directory: the part after the last '/' or
 * '\\', control characters replaced with '_', leading dots removed, at most 255 bytes;
 * returns NULL when nothing usable is left. g_free() it. */
char *url__sanitize_filename(const char *name);

#endif
