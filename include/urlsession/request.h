/* request.h — UrlRequest: URL, method, headers, body and per-request policy. */
#ifndef URLSESSION_REQUEST_H
#define URLSESSION_REQUEST_H

#include "cache.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** UrlRequestBodyKind: where a request's body comes from. */
typedef enum {
    URL_REQUEST_BODY_NONE = 0,
    URL_REQUEST_BODY_DATA = 1,
    URL_REQUEST_BODY_FILE = 2,
    URL_REQUEST_BODY_STREAM = 3,
} UrlRequestBodyKind;

/**
 * url_request_new_checked:
 * @url: an absolute http:// or https:// URL
 * @error: (out) (optional): set when @url is refused
 *
 * Creates a GET request for @url. The URL is checked with libcurl's URL parser: a URL
 * it rejects gives URL_ERROR_BAD_URL, a scheme other than http and https gives
 * URL_ERROR_UNSUPPORTED_URL, and the message names the problem.
 *
 * Returns: (transfer full) (nullable): a new request, or NULL with @error set;
 *   release with url_request_unref()
 * Thread: any
 */
URL_API UrlRequest *url_request_new_checked(const char *url, UrlError **error);

/**
 * url_request_new:
 * @url: an absolute http:// or https:// URL
 *
 * Like url_request_new_checked() without the error details.
 *
 * Returns: (transfer full) (nullable): a new request, or NULL when @url is refused
 * Thread: any
 */
URL_API UrlRequest *url_request_new(const char *url);

/**
 * url_request_copy:
 * Returns: (transfer full): an independent copy of @request; a stream body is shared.
 * Thread: any, not concurrently with setters on @request
 */
URL_API UrlRequest *url_request_copy(const UrlRequest *request);

/** url_request_ref: Returns: (transfer full) @request. Thread: any */
URL_API UrlRequest *url_request_ref(UrlRequest *request);

/** url_request_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_request_unref(UrlRequest *request);

/**
 * url_request_get_url:
 * Returns: (transfer none): the URL as normalised by the URL parser, valid until
 *   url_request_set_url() or the request is freed.
 * Thread: any
 */
URL_API const char *url_request_get_url(const UrlRequest *request);

/**
 * url_request_set_url:
 * @error: (out) (optional): set when @url is refused (see url_request_new_checked())
 * Returns: true when the URL was replaced
 * Thread: any, not concurrently with other calls on @request
 */
URL_API bool url_request_set_url(UrlRequest *request, const char *url, UrlError **error);

/**
 * url_request_set_method:
 * @method: an HTTP token such as "POST"; copied
 * @error: (out) (optional): set when @method is not a token
 * Returns: true when set
 * Thread: any, not concurrently with other calls on @request
 */
URL_API bool url_request_set_method(UrlRequest *request, const char *method, UrlError **error);

/** Returns: (transfer none): the method, "GET" by default. Thread: any */
URL_API const char *url_request_get_method(const UrlRequest *request);

/**
 * url_request_set_header:
 * @name: a header name (an HTTP token)
 * @value: (nullable): the value; NULL removes every header called @name
 * @error: (out) (optional): set when the name or the value contains CR, LF, NUL or another
 *   control character (tab is allowed in values), or the
 *   name is not a token; the message quotes the offending text
 *
 * Replaces every header called @name (case-insensitive) with one header.
 *
 * Returns: true when set
 * Thread: any, not concurrently with other calls on @request
 */
URL_API bool url_request_set_header(UrlRequest *request, const char *name, const char *value,
                                    UrlError **error);

/**
 * url_request_add_header:
 *
 * Like url_request_set_header() but keeps earlier headers of the same name.
 * Returns: true when added
 * Thread: any, not concurrently with other calls on @request
 */
URL_API bool url_request_add_header(UrlRequest *request, const char *name, const char *value,
                                    UrlError **error);

/**
 * url_request_get_header:
 * Returns: (transfer none) (nullable): the first value of header @name (case-insensitive),
 *   valid until the headers change or the request is freed.
 * Thread: any
 */
URL_API const char *url_request_get_header(const UrlRequest *request, const char *name);

/** Returns: the number of headers, repeated ones counted each. Thread: any */
URL_API size_t url_request_get_header_count(const UrlRequest *request);

/**
 * url_request_get_header_at:
 * @index: 0 to url_request_get_header_count() - 1
 * @name: (out) (transfer none): the name as set
 * @value: (out) (transfer none): the value
 * Returns: false when @index is out of range
 * Thread: any
 */
URL_API bool url_request_get_header_at(const UrlRequest *request, size_t index, const char **name,
                                       const char **value);

/**
 * url_request_set_body_data:
 * @data: (nullable): the body; copied
 * @length: its length
 *
 * Sends @data as the body. Replaces any other body.
 * Thread: any, not concurrently with other calls on @request
 */
URL_API void url_request_set_body_data(UrlRequest *request, const void *data, size_t length);

/**
 * url_request_set_body_file:
 * @path: a regular file; its size is read when the task starts
 * @error: (out) (optional): set when @path cannot be read now
 *
 * Sends the file's contents as the body. Replaces any other body.
 *
 * Returns: true when set
 * Thread: any, not concurrently with other calls on @request
 */
URL_API bool url_request_set_body_file(UrlRequest *request, const char *path, UrlError **error);

/**
 * url_request_set_body_stream:
 * @stream: (transfer none): the body source; the request keeps a reference
 * @length: the body's length when known (sent as Content-Length), or -1 (chunked on
 *   HTTP/1.1)
 *
 * A stream can be read once: a redirect that must resend the body (307, 308) asks the
 * delegate's need_new_body_stream for another one.
 *
 * Thread: any, not concurrently with other calls on @request
 */
URL_API void url_request_set_body_stream(UrlRequest *request, UrlInputStream *stream,
                                         int64_t length);

/** Returns: where the body comes from. Thread: any */
URL_API UrlRequestBodyKind url_request_get_body_kind(const UrlRequest *request);

/**
 * url_request_get_body_data:
 * @length: (out) (optional): the body's length
 * Returns: (transfer none) (nullable): the body of a URL_REQUEST_BODY_DATA request
 * Thread: any
 */
URL_API const void *url_request_get_body_data(const UrlRequest *request, size_t *length);

/** Returns: (transfer none) (nullable): the path of a URL_REQUEST_BODY_FILE body. Thread: any */
URL_API const char *url_request_get_body_file(const UrlRequest *request);

/**
 * url_request_set_timeout_interval:
 * @seconds: > 0, or 0 to use the configuration's request timeout
 * Thread: any, not concurrently with other calls on @request
 */
URL_API void url_request_set_timeout_interval(UrlRequest *request, double seconds);
/** Returns: the request's idle timeout, 0 when it uses the configuration's. Thread: any */
URL_API double url_request_get_timeout_interval(const UrlRequest *request);

/**
 * url_request_set_allows_cellular_access:
 * Default true. When false this request stays off cellular even if the session allows it.
 * Thread: any, not concurrently with other calls on @request
 */
URL_API void url_request_set_allows_cellular_access(UrlRequest *request, bool allows);
/** Returns: whether this request may use cellular. Thread: any */
URL_API bool url_request_get_allows_cellular_access(const UrlRequest *request);

/**
 * url_request_set_http_should_handle_cookies:
 * Default true. When false this request neither sends the storage's cookies nor stores
 * the ones its responses set, whatever the configuration says.
 * Thread: any, not concurrently with other calls on @request
 */
URL_API void url_request_set_http_should_handle_cookies(UrlRequest *request, bool handle);
/** Returns: whether this request handles cookies. Thread: any */
URL_API bool url_request_get_http_should_handle_cookies(const UrlRequest *request);

/**
 * url_request_set_main_document_url:
 * @url: (nullable): the URL of the document this request loads a part of, copied; NULL
 *   (the default): the request is its own main document
 * @error: (out) (optional): why @url was refused (as url_request_new())
 *
 * With URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN, only cookies for the main
 * document's site are stored.
 *
 * Returns: false, changing nothing, when @url is not an http or https URL
 * Thread: any, not concurrently with other calls on @request
 */
URL_API bool url_request_set_main_document_url(UrlRequest *request, const char *url,
                                               UrlError **error);
/** Returns: (transfer none) (nullable): the main document URL. Thread: any */
URL_API const char *url_request_get_main_document_url(const UrlRequest *request);

/**
 * url_request_set_cache_policy:
 * @policy: default URL_REQUEST_USE_PROTOCOL_CACHE_POLICY, which follows the
 *   configuration's url_session_configuration_set_request_cache_policy()
 *
 * How this request uses the session's cache (cache.h). GET data and download tasks use
 * the cache (not downloads resumed from resume data); for others every policy but
 * RETURN_CACHE_DATA_DONT_LOAD (which fails with URL_ERROR_RESOURCE_UNAVAILABLE) loads
 * from the network.
 * Thread: any, not concurrently with other calls on @request
 */
URL_API void url_request_set_cache_policy(UrlRequest *request, UrlRequestCachePolicy policy);
/** Returns: the request's cache policy. Thread: any */
URL_API UrlRequestCachePolicy url_request_get_cache_policy(const UrlRequest *request);

#ifdef __cplusplus
}
#endif

#endif
