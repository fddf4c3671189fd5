/* response.h — UrlResponse: an HTTP response's status, headers and derived facts. */
#ifndef URLSESSION_RESPONSE_H
#define URLSESSION_RESPONSE_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** url_response_ref: Returns: (transfer full) @response. Thread: any */
URL_API UrlResponse *url_response_ref(const UrlResponse *response);

/** url_response_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_response_unref(UrlResponse *response);

/** Returns: the HTTP status code, such as 200. Thread: any */
URL_API int url_response_get_status_code(const UrlResponse *response);

/**
 * url_response_get_url:
 * Returns: (transfer none): the URL this response answered, after redirects; valid while
 *   @response lives.
 * Thread: any
 */
URL_API const char *url_response_get_url(const UrlResponse *response);

/**
 * url_response_get_header:
 * @name: a header name, compared case-insensitively
 * Returns: (transfer none) (nullable): the first value of @name, valid while @response lives
 * Thread: any
 */
URL_API const char *url_response_get_header(const UrlResponse *response, const char *name);

/**
 * url_response_get_header_joined:
 * Returns: (transfer full) (nullable): every value of @name joined with ", " (RFC 9110
 *   §5.3); free with free()
 * Thread: any
 */
URL_API char *url_response_get_header_joined(const UrlResponse *response, const char *name);

/** Returns: the number of header fields, repeated ones counted each. Thread: any */
URL_API size_t url_response_get_header_count(const UrlResponse *response);

/**
 * url_response_get_header_at:
 * @name: (out) (transfer none): the name as the server sent it
 * @value: (out) (transfer none): the value, surrounding whitespace removed
 * Returns: false when @index is out of range
 * Thread: any
 */
URL_API bool url_response_get_header_at(const UrlResponse *response, size_t index,
                                        const char **name, const char **value);

/**
 * url_response_get_mime_type:
 * Returns: (transfer none) (nullable): the Content-Type's media type in lower case
 *   ("text/html"), NULL when the server sent none
 * Thread: any
 */
URL_API const char *url_response_get_mime_type(const UrlResponse *response);

/**
 * url_response_get_text_encoding_name:
 * Returns: (transfer none) (nullable): the Content-Type's charset parameter in lower
 *   case ("utf-8"), NULL when absent
 * Thread: any
 */
URL_API const char *url_response_get_text_encoding_name(const UrlResponse *response);

/**
 * url_response_get_expected_content_length:
 * Returns: Content-Length, or -1 when unknown (chunked, or a compressed body that is
 *   decoded on the way)
 * Thread: any
 */
URL_API int64_t url_response_get_expected_content_length(const UrlResponse *response);

/**
 * url_response_get_suggested_filename:
 * Returns: (transfer none): a safe file name: Content-Disposition's filename, else the
 *   last path segment of the URL, else "index.html" or "download"; never contains "/"
 *   and never starts with "."; valid while @response lives
 * Thread: any
 */
URL_API const char *url_response_get_suggested_filename(const UrlResponse *response);

/**
 * url_response_get_http_version:
 * Returns: (transfer none): "http/1.0", "http/1.1" or "h2"
 * Thread: any
 */
URL_API const char *url_response_get_http_version(const UrlResponse *response);

#ifdef __cplusplus
}
#endif

#endif
