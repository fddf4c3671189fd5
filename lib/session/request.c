/* request.c — UrlRequest: a checked URL, method, headers, body source and per-request policy. */
#include "request.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <urlsession/input_stream.h>

#include "http/url.h"
#include "session/error.h"

static bool url_method_is_valid(const char *method, UrlError **error)
{
    if (method == NULL) {
        url__error_set(error, URL_ERROR_UNKNOWN, "method is missing");
        return false;
    }
    if (method[0] == '\0') {
        url__error_set(error, URL_ERROR_UNKNOWN, "method is empty");
        return false;
    }
    /* RFC 9110 §9.1: method = token. */
    if (!url__header_is_token(method)) {
        char *quoted = url__error_quote(method);
        url__error_set(error, URL_ERROR_UNKNOWN, "method is not an HTTP token: %s", quoted);
        g_free(quoted);
        return false;
    }
    return true;
}

/* Requests are made and copied for every task (and copied again for each hop), and
 * nearly all use one of a few methods: those are kept as static strings, not copies. */
static const char *const url_common_methods[] = {"GET",    "HEAD",  "POST",   "PUT",
                                                 "DELETE", "PATCH", "OPTIONS"};

static const char *url_method_copy(const char *method)
{
    for (size_t i = 0; i < G_N_ELEMENTS(url_common_methods); i++) {
        if (strcmp(method, url_common_methods[i]) == 0)
            return url_common_methods[i];
    }
    return g_strdup(method);
}

static void url_method_free(const char *method)
{
    for (size_t i = 0; i < G_N_ELEMENTS(url_common_methods); i++) {
        if (method == url_common_methods[i])
            return;
    }
    g_free((char *)method);
}

static void url_request_free_url(UrlRequest *request)
{
    if (request->url != request->inline_url)
        g_free(request->url);
}

static void url_request_clear_body(UrlRequest *request)
{
    g_clear_pointer(&request->body_data, g_bytes_unref);
    g_clear_pointer(&request->body_file, g_free);
    g_clear_pointer(&request->body_stream, url_input_stream_unref);
    request->body_stream_length = -1;
    request->body_kind = URL_REQUEST_BODY_NONE;
}

/* Maps why @path cannot be read to the NSURLError code Foundation uses for uploads. */
static bool url_request_check_file(const char *path, UrlError **error)
{
    char *quoted = url__error_quote(path);
    bool ok = false;
    struct stat st;
    if (stat(path, &st) != 0) {
        int saved = errno;
        UrlErrorCode code = saved == ENOENT || saved == ENOTDIR ? URL_ERROR_FILE_DOES_NOT_EXIST
                            : saved == EACCES ? URL_ERROR_NO_PERMISSIONS_TO_READ_FILE
                                              : URL_ERROR_CANNOT_OPEN_FILE;
        url__error_set(error, code, "cannot read body file %s: %s", quoted, g_strerror(saved));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        url__error_set(error, URL_ERROR_FILE_IS_DIRECTORY, "body file %s is a directory", quoted);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        /* The size is taken from the file when the task starts; a pipe or device has none
         * and could block the network thread on open. */
        url__error_set(error, URL_ERROR_CANNOT_OPEN_FILE, "body file %s is not a regular file",
                       quoted);
        goto out;
    }
    /* open() rather than access(): it answers for the effective user and for ACLs. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int saved = errno;
        UrlErrorCode code = saved == EACCES || saved == EPERM
                                ? URL_ERROR_NO_PERMISSIONS_TO_READ_FILE
                            : saved == ENOENT ? URL_ERROR_FILE_DOES_NOT_EXIST
                                              : URL_ERROR_CANNOT_OPEN_FILE;
        url__error_set(error, code, "cannot read body file %s: %s", quoted, g_strerror(saved));
        goto out;
    }
    close(fd);
    ok = true;
out:
    g_free(quoted);
    return ok;
}

UrlRequest *url_request_new_checked(const char *url, UrlError **error)
{
    char *normal = url__url_normalize(url, error);
    if (normal == NULL)
        return NULL;
    UrlRequest *request = g_new0(UrlRequest, 1);
    request->ref_count = 1;
    request->url = normal;
    request->method = url_common_methods[0];
    request->body_kind = URL_REQUEST_BODY_NONE;
    request->body_stream_length = -1;
    request->allows_cellular_access = true;
    request->should_handle_cookies = true;
    return request;
}

UrlRequest *url_request_new(const char *url)
{
    return url_request_new_checked(url, NULL);
}

UrlRequest *url_request_copy(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, NULL);
    size_t url_size = strlen(request->url) + 1;
    UrlRequest *copy = g_malloc(sizeof(UrlRequest) + url_size);
    *copy = *request;
    copy->ref_count = 1;
    copy->url = memcpy(copy->inline_url, request->url, url_size);
    copy->method = url_method_copy(request->method);
    copy->headers = request->headers ? url__header_list_copy(request->headers) : NULL;
    /* GBytes is immutable, so sharing it is as good as a copy. */
    copy->body_data = request->body_data ? g_bytes_ref(request->body_data) : NULL;
    copy->body_file = g_strdup(request->body_file);
    copy->main_document_url = g_strdup(request->main_document_url);
    /* A stream can be read once; both requests refer to the same one (documented). */
    copy->body_stream = request->body_stream ? url_input_stream_ref(request->body_stream) : NULL;
    return copy;
}

UrlRequest *url_request_ref(UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, NULL);
    g_atomic_int_inc(&request->ref_count);
    return request;
}

void url_request_unref(UrlRequest *request)
{
    if (request == NULL || !g_atomic_int_dec_and_test(&request->ref_count))
        return;
    url_request_clear_body(request);
    url__header_list_free(request->headers);
    url_request_free_url(request);
    url_method_free(request->method);
    g_free(request->main_document_url);
    g_free(request);
}

const char *url_request_get_url(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, NULL);
    return request->url;
}

bool url_request_set_url(UrlRequest *request, const char *url, UrlError **error)
{
    g_return_val_if_fail(request != NULL, false);
    char *normal = url__url_normalize(url, error);
    if (normal == NULL)
        return false;
    url_request_free_url(request);
    request->url = normal;
    return true;
}

bool url_request_set_method(UrlRequest *request, const char *method, UrlError **error)
{
    g_return_val_if_fail(request != NULL, false);
    if (!url_method_is_valid(method, error))
        return false;
    /* Methods are case-sensitive (RFC 9110 §9.1): "get" is not "GET", so no folding. */
    const char *copy = url_method_copy(method);
    url_method_free(request->method);
    request->method = copy;
    return true;
}

const char *url_request_get_method(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, NULL);
    return request->method;
}

/* The list to change, made on first use: most requests set no header. */
static UrlHeaderList *url_request_headers(UrlRequest *request)
{
    if (request->headers == NULL)
        request->headers = url__header_list_new();
    return request->headers;
}

bool url_request_set_header(UrlRequest *request, const char *name, const char *value,
                            UrlError **error)
{
    g_return_val_if_fail(request != NULL, false);
    if (!url__header_name_is_valid(name, error))
        return false;
    if (value == NULL) {
        if (request->headers)
            url__header_list_remove(request->headers, name);
        return true;
    }
    if (!url__header_value_is_valid(value, error))
        return false;
    url__header_list_set(url_request_headers(request), name, value);
    return true;
}

bool url_request_add_header(UrlRequest *request, const char *name, const char *value,
                            UrlError **error)
{
    g_return_val_if_fail(request != NULL, false);
    if (!url__header_name_is_valid(name, error) || !url__header_value_is_valid(value, error))
        return false;
    url__header_list_append(url_request_headers(request), name, value);
    return true;
}

const char *url_request_get_header(const UrlRequest *request, const char *name)
{
    g_return_val_if_fail(request != NULL, NULL);
    return url__header_list_get(request->headers, name);
}

size_t url_request_get_header_count(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, 0);
    return url__header_list_count(request->headers);
}

bool url_request_get_header_at(const UrlRequest *request, size_t index, const char **name,
                               const char **value)
{
    g_return_val_if_fail(request != NULL, false);
    return url__header_list_at(request->headers, index, name, value);
}

void url_request_set_body_data(UrlRequest *request, const void *data, size_t length)
{
    g_return_if_fail(request != NULL);
    g_return_if_fail(data != NULL || length == 0);
    GBytes *bytes = data != NULL ? g_bytes_new(data, length) : NULL;
    url__request_set_body_bytes(request, bytes);
    if (bytes != NULL)
        g_bytes_unref(bytes);
}

void url__request_set_body_bytes(UrlRequest *request, GBytes *bytes)
{
    g_return_if_fail(request != NULL);
    /* Take the reference first: @bytes may be the body already set. */
    GBytes *ref = bytes != NULL ? g_bytes_ref(bytes) : NULL;
    url_request_clear_body(request);
    if (ref != NULL) {
        request->body_data = ref;
        request->body_kind = URL_REQUEST_BODY_DATA;
    }
}

bool url_request_set_body_file(UrlRequest *request, const char *path, UrlError **error)
{
    g_return_val_if_fail(request != NULL, false);
    if (path == NULL || path[0] == '\0') {
        url__error_set(error, URL_ERROR_FILE_DOES_NOT_EXIST, "body file path is %s",
                       path == NULL ? "missing" : "empty");
        return false;
    }
    if (!url_request_check_file(path, error))
        return false;
    char *copy = g_strdup(path);
    url_request_clear_body(request);
    request->body_file = copy;
    request->body_kind = URL_REQUEST_BODY_FILE;
    return true;
}

void url_request_set_body_stream(UrlRequest *request, UrlInputStream *stream, int64_t length)
{
    g_return_if_fail(request != NULL);
    UrlInputStream *ref = stream != NULL ? url_input_stream_ref(stream) : NULL;
    url_request_clear_body(request);
    if (ref != NULL) {
        request->body_stream = ref;
        request->body_stream_length = length >= 0 ? length : -1;
        request->body_kind = URL_REQUEST_BODY_STREAM;
    }
}

UrlRequestBodyKind url_request_get_body_kind(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, URL_REQUEST_BODY_NONE);
    return request->body_kind;
}

const void *url_request_get_body_data(const UrlRequest *request, size_t *length)
{
    if (length != NULL)
        *length = 0;
    g_return_val_if_fail(request != NULL, NULL);
    if (request->body_kind != URL_REQUEST_BODY_DATA)
        return NULL;
    gsize size = 0;
    const void *data = g_bytes_get_data(request->body_data, &size);
    if (length != NULL)
        *length = size;
    /* An empty body is still a body: return a non-NULL pointer for it. */
    return data != NULL ? data : (const void *)"";
}

const char *url_request_get_body_file(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, NULL);
    return request->body_file;
}

void url_request_set_timeout_interval(UrlRequest *request, double seconds)
{
    g_return_if_fail(request != NULL);
    if (!isfinite(seconds) || seconds < 0) {
        g_warning("url_request_set_timeout_interval: ignoring %g; the timeout must be a "
                  "finite number of seconds > 0, or 0 for the configuration's",
                  seconds);
        return;
    }
    request->timeout_interval = seconds;
}

double url_request_get_timeout_interval(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, 0);
    return request->timeout_interval;
}

void url_request_set_allows_cellular_access(UrlRequest *request, bool allows)
{
    g_return_if_fail(request != NULL);
    request->allows_cellular_access = allows;
}

bool url_request_get_allows_cellular_access(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, true);
    return request->allows_cellular_access;
}

void url_request_set_http_should_handle_cookies(UrlRequest *request, bool handle)
{
    g_return_if_fail(request != NULL);
    request->should_handle_cookies = handle;
}

bool url_request_get_http_should_handle_cookies(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, true);
    return request->should_handle_cookies;
}

bool url_request_set_main_document_url(UrlRequest *request, const char *url, UrlError **error)
{
    g_return_val_if_fail(request != NULL, false);
    char *normal = NULL;
    if (url != NULL && (normal = url__url_normalize(url, error)) == NULL)
        return false;
    g_free(request->main_document_url);
    request->main_document_url = normal;
    return true;
}

const char *url_request_get_main_document_url(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, NULL);
    return request->main_document_url;
}

void url_request_set_cache_policy(UrlRequest *request, UrlRequestCachePolicy policy)
{
    g_return_if_fail(request != NULL);
    if (policy < URL_REQUEST_USE_PROTOCOL_CACHE_POLICY ||
        policy > URL_REQUEST_RETURN_CACHE_DATA_DONT_LOAD) {
        g_warning("url_request_set_cache_policy: ignoring unknown policy %d", (int)policy);
        return;
    }
    request->cache_policy = policy;
}

UrlRequestCachePolicy url_request_get_cache_policy(const UrlRequest *request)
{
    g_return_val_if_fail(request != NULL, URL_REQUEST_USE_PROTOCOL_CACHE_POLICY);
    return request->cache_policy;
}
