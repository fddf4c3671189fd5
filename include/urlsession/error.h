/* error.h — UrlError: NSURLError-compatible error codes, messages and the failing URL. */
#ifndef URLSESSION_ERROR_H
#define URLSESSION_ERROR_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * UrlErrorCode:
 *
 * Error codes, numerically equal to Foundation's NSURLError codes so that code
 * written against URLSession reads the same.
 */
typedef enum {
    URL_ERROR_UNKNOWN = -1,
    URL_ERROR_CANCELLED = -999,
    URL_ERROR_BAD_URL = -1000,
    URL_ERROR_TIMED_OUT = -1001,
    URL_ERROR_UNSUPPORTED_URL = -1002,
    URL_ERROR_CANNOT_FIND_HOST = -1003,
    URL_ERROR_CANNOT_CONNECT_TO_HOST = -1004,
    URL_ERROR_NETWORK_CONNECTION_LOST = -1005,
    URL_ERROR_DNS_LOOKUP_FAILED = -1006,
    URL_ERROR_HTTP_TOO_MANY_REDIRECTS = -1007,
    URL_ERROR_RESOURCE_UNAVAILABLE = -1008,
    URL_ERROR_NOT_CONNECTED_TO_INTERNET = -1009,
    URL_ERROR_REDIRECT_TO_NON_EXISTENT_LOCATION = -1010,
    URL_ERROR_BAD_SERVER_RESPONSE = -1011,
    URL_ERROR_USER_CANCELLED_AUTHENTICATION = -1012,
    URL_ERROR_USER_AUTHENTICATION_REQUIRED = -1013,
    URL_ERROR_ZERO_BYTE_RESOURCE = -1014,
    URL_ERROR_CANNOT_DECODE_RAW_DATA = -1015,
    URL_ERROR_CANNOT_DECODE_CONTENT_DATA = -1016,
    URL_ERROR_CANNOT_PARSE_RESPONSE = -1017,
    URL_ERROR_DATA_NOT_ALLOWED = -1020,
    URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED = -1021,
    URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION = -1022,
    URL_ERROR_FILE_DOES_NOT_EXIST = -1100,
    URL_ERROR_FILE_IS_DIRECTORY = -1101,
    URL_ERROR_NO_PERMISSIONS_TO_READ_FILE = -1102,
    URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM = -1103,
    URL_ERROR_SECURE_CONNECTION_FAILED = -1200,
    URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE = -1201,
    URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED = -1202,
    URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT = -1203,
    URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID = -1204,
    URL_ERROR_CLIENT_CERTIFICATE_REJECTED = -1205,
    URL_ERROR_CLIENT_CERTIFICATE_REQUIRED = -1206,
    URL_ERROR_CANNOT_LOAD_FROM_NETWORK = -2000,
    URL_ERROR_CANNOT_CREATE_FILE = -3000,
    URL_ERROR_CANNOT_OPEN_FILE = -3001,
    URL_ERROR_CANNOT_CLOSE_FILE = -3002,
    URL_ERROR_CANNOT_WRITE_TO_FILE = -3003,
    URL_ERROR_CANNOT_REMOVE_FILE = -3004,
    URL_ERROR_CANNOT_MOVE_FILE = -3005,
} UrlErrorCode;

/**
 * url_error_new:
 * @code: the error code
 * @message: (nullable): a human-readable message; copied. NULL uses the code's description.
 * @failing_url: (nullable): the URL that failed; copied
 *
 * Creates an error. Applications rarely need this; bindings and tests use it.
 *
 * Returns: (transfer full): a new error; release it with url_error_unref()
 * Thread: any
 */
URL_API UrlError *url_error_new(UrlErrorCode code, const char *message, const char *failing_url);

/**
 * url_error_ref:
 * @error: an error
 *
 * Takes a reference, for example to keep an error passed to a callback past its return.
 *
 * Returns: (transfer full): @error
 * Thread: any
 */
URL_API UrlError *url_error_ref(const UrlError *error);

/**
 * url_error_unref:
 * @error: (nullable): an error
 *
 * Drops a reference; the error is freed with the last one. NULL is ignored.
 *
 * Thread: any
 */
URL_API void url_error_unref(UrlError *error);

/**
 * url_error_get_code:
 * @error: an error
 *
 * Returns: the NSURLError-compatible code
 * Thread: any
 */
URL_API UrlErrorCode url_error_get_code(const UrlError *error);

/**
 * url_error_get_message:
 * @error: an error
 *
 * Returns: (transfer none): the message, never NULL; valid while @error lives.
 * Thread: any
 */
URL_API const char *url_error_get_message(const UrlError *error);

/**
 * url_error_get_failing_url:
 * @error: an error
 *
 * Returns: (transfer none) (nullable): the URL that failed, with any user:password
 *   removed; valid while @error lives.
 * Thread: any
 */
URL_API const char *url_error_get_failing_url(const UrlError *error);

/**
 * url_error_get_resume_data:
 * @error: an error
 * @length: (out) (optional): the blob's length in bytes, 0 when there is none
 *
 * A download that was cancelled with url_session_task_cancel_by_producing_resume_data(),
 * or that failed in mid-body (connection lost, timeout) after a response with an ETag or
 * Last-Modified validator, carries resume data: pass it to
 * url_session_download_task_with_resume_data() to continue where it stopped. The partial
 * file stays in the download directory until then (see url_session_discard_resume_data()).
 *
 * Returns: (transfer none) (nullable): the resume data, valid while @error lives; copy it
 *   to keep it; NULL when the error has none
 * Thread: any
 */
URL_API const void *url_error_get_resume_data(const UrlError *error, size_t *length);

/**
 * url_error_get_addresses_tried_count:
 * @error: an error
 *
 * A task that could not connect (URL_ERROR_CANNOT_CONNECT_TO_HOST, or URL_ERROR_TIMED_OUT
 * before any response) carries every address a connection was attempted to, in the order
 * the attempts started (Happy Eyeballs: both families when both were tried, NAT64-
 * synthesized ones included).
 *
 * Returns: how many addresses url_error_get_address_tried() has; 0 for other errors
 * Thread: any
 */
URL_API size_t url_error_get_addresses_tried_count(const UrlError *error);

/**
 * url_error_get_address_tried:
 * @error: an error
 * @index: from 0 to url_error_get_addresses_tried_count() - 1
 *
 * Returns: (transfer none) (nullable): the numeric address ("2001:db8::1", "192.0.2.1",
 *   no brackets, no port) of the @index-th connection attempt, valid while @error lives;
 *   NULL when @index is out of range
 * Thread: any
 */
URL_API const char *url_error_get_address_tried(const UrlError *error, size_t index);

/**
 * url_error_code_describe:
 * @code: an error code
 *
 * Returns: (transfer none): a static English description of @code, such as
 *   "the request timed out"; never NULL.
 * Thread: any
 */
URL_API const char *url_error_code_describe(UrlErrorCode code);

/**
 * url_error_code_name:
 * @code: an error code
 *
 * Returns: (transfer none): the static name of @code, such as "URL_ERROR_TIMED_OUT";
 *   "URL_ERROR_UNKNOWN" for codes this version does not know.
 * Thread: any
 */
URL_API const char *url_error_code_name(UrlErrorCode code);

#ifdef __cplusplus
}
#endif

#endif
