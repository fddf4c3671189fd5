/* error.c — UrlError: codes, their names and descriptions, and error construction. */
#include "error.h"

#include <stdarg.h>

#include "http/url.h"

struct UrlError {
    gint ref_count; /* atomic */
    UrlErrorCode code;
    char *message; /* never NULL */
    char *failing_url;
    GBytes *resume_data;   /* downloads that can be resumed */
    GStrv addresses_tried; /* numeric, in the order tried; NULL: none */
};

typedef struct {
    UrlErrorCode code;
    const char *name;
    const char *description;
} UrlErrorCodeInfo;

#define URL__CODE(code, description)                                                               \
    {                                                                                              \
        code, #code, description                                                                   \
    }

/* One table so that a code added to the enum needs one line here, and the name can never
 * drift from the enumerator's spelling. */
static const UrlErrorCodeInfo url_error_codes[] = {
    URL__CODE(URL_ERROR_UNKNOWN, "an unknown error occurred"),
    URL__CODE(URL_ERROR_CANCELLED, "the task was cancelled"),
    URL__CODE(URL_ERROR_BAD_URL, "the URL is malformed"),
    URL__CODE(URL_ERROR_TIMED_OUT, "the request timed out"),
    URL__CODE(URL_ERROR_UNSUPPORTED_URL, "the URL's scheme is not supported"),
    URL__CODE(URL_ERROR_CANNOT_FIND_HOST, "the host name could not be found"),
    URL__CODE(URL_ERROR_CANNOT_CONNECT_TO_HOST, "could not connect to the host"),
    URL__CODE(URL_ERROR_NETWORK_CONNECTION_LOST, "the network connection was lost"),
    URL__CODE(URL_ERROR_DNS_LOOKUP_FAILED, "the DNS lookup failed"),
    URL__CODE(URL_ERROR_HTTP_TOO_MANY_REDIRECTS, "too many HTTP redirects"),
    URL__CODE(URL_ERROR_RESOURCE_UNAVAILABLE, "the requested resource is unavailable"),
    URL__CODE(URL_ERROR_NOT_CONNECTED_TO_INTERNET, "the device is not connected to the internet"),
    URL__CODE(URL_ERROR_REDIRECT_TO_NON_EXISTENT_LOCATION,
              "a redirect pointed to a location that does not exist"),
    URL__CODE(URL_ERROR_BAD_SERVER_RESPONSE, "the server sent a bad response"),
    URL__CODE(URL_ERROR_USER_CANCELLED_AUTHENTICATION, "authentication was cancelled"),
    URL__CODE(URL_ERROR_USER_AUTHENTICATION_REQUIRED, "authentication is required"),
    URL__CODE(URL_ERROR_ZERO_BYTE_RESOURCE, "the resource has no data"),
    URL__CODE(URL_ERROR_CANNOT_DECODE_RAW_DATA, "the response data could not be decoded"),
    URL__CODE(URL_ERROR_CANNOT_DECODE_CONTENT_DATA,
              "the response body could not be decoded according to its content encoding"),
    URL__CODE(URL_ERROR_CANNOT_PARSE_RESPONSE, "the response could not be parsed"),
    URL__CODE(URL_ERROR_DATA_NOT_ALLOWED, "the network may not be used for this request"),
    URL__CODE(URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED,
              "the request body stream was consumed and no new one was provided"),
    URL__CODE(URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION,
              "a secure (https) request was redirected to an insecure (http) URL"),
    URL__CODE(URL_ERROR_FILE_DOES_NOT_EXIST, "the file does not exist"),
    URL__CODE(URL_ERROR_FILE_IS_DIRECTORY, "the file is a directory"),
    URL__CODE(URL_ERROR_NO_PERMISSIONS_TO_READ_FILE, "no permission to read the file"),
    URL__CODE(URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM, "the data is longer than the maximum"),
    URL__CODE(URL_ERROR_SECURE_CONNECTION_FAILED, "a secure (TLS) connection could not be made"),
    URL__CODE(URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE, "the server's certificate has expired"),
    URL__CODE(URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED, "the server's certificate is not trusted"),
    URL__CODE(URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT,
              "the server's certificate was issued by an unknown authority"),
    URL__CODE(URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID,
              "the server's certificate is not yet valid"),
    URL__CODE(URL_ERROR_CLIENT_CERTIFICATE_REJECTED, "the server rejected the client certificate"),
    URL__CODE(URL_ERROR_CLIENT_CERTIFICATE_REQUIRED, "the server requires a client certificate"),
    URL__CODE(URL_ERROR_CANNOT_LOAD_FROM_NETWORK, "the request may not be loaded from the network"),
    URL__CODE(URL_ERROR_CANNOT_CREATE_FILE, "the file could not be created"),
    URL__CODE(URL_ERROR_CANNOT_OPEN_FILE, "the file could not be opened"),
    URL__CODE(URL_ERROR_CANNOT_CLOSE_FILE, "the file could not be closed"),
    URL__CODE(URL_ERROR_CANNOT_WRITE_TO_FILE, "the file could not be written"),
    URL__CODE(URL_ERROR_CANNOT_REMOVE_FILE, "the file could not be removed"),
    URL__CODE(URL_ERROR_CANNOT_MOVE_FILE, "the file could not be moved"),
};

static const UrlErrorCodeInfo *url_error_code_info(UrlErrorCode code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(url_error_codes); i++) {
        if (url_error_codes[i].code == code)
            return &url_error_codes[i];
    }
    return &url_error_codes[0];
}

/* Takes ownership of @message. */
static UrlError *url_error_new_take(UrlErrorCode code, char *message, const char *failing_url)
{
    UrlError *error = g_new0(UrlError, 1);
    error->ref_count = 1;
    error->code = code;
    if (message == NULL || message[0] == '\0') {
        g_free(message);
        message = g_strdup(url_error_code_describe(code));
    }
    error->message = message;
    error->failing_url = failing_url ? url__url_redact(failing_url) : NULL;
    return error;
}

static void url_error_quote_char(GString *out, unsigned char c)
{
    switch (c) {
    case '\r':
        g_string_append(out, "\\r");
        break;
    case '\n':
        g_string_append(out, "\\n");
        break;
    case '\t':
        g_string_append(out, "\\t");
        break;
    case '"':
        g_string_append(out, "\\\"");
        break;
    case '\\':
        g_string_append(out, "\\\\");
        break;
    default:
        if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\x%02x", c);
        else
            g_string_append_c(out, (char)c);
        break;
    }
}

char *url__error_quote(const char *text)
{
    if (text == NULL)
        return g_strdup("NULL");

    GString *out = g_string_new("\"");
    const char *p = text;
    while (*p != '\0') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            url_error_quote_char(out, c);
            p++;
            continue;
        }
        /* Valid UTF-8 stays readable; a stray byte is escaped so the message itself is
         * always valid UTF-8 (bindings turn it into a text string). */
        gunichar ch = g_utf8_get_char_validated(p, -1);
        if (ch == (gunichar)-1 || ch == (gunichar)-2) {
            g_string_append_printf(out, "\\x%02x", c);
            p++;
        } else {
            const char *next = g_utf8_next_char(p);
            g_string_append_len(out, p, next - p);
            p = next;
        }
    }
    g_string_append_c(out, '"');
    return g_string_free(out, FALSE);
}

UrlError *url__error_newf(UrlErrorCode code, const char *failing_url, const char *format, ...)
{
    char *message = NULL;
    if (format != NULL) {
        va_list args;
        va_start(args, format);
        message = g_strdup_vprintf(format, args);
        va_end(args);
    }
    return url_error_new_take(code, message, failing_url);
}

void url__error_set(UrlError **out, UrlErrorCode code, const char *format, ...)
{
    if (out == NULL || *out != NULL)
        return;
    char *message = NULL;
    if (format != NULL) {
        va_list args;
        va_start(args, format);
        message = g_strdup_vprintf(format, args);
        va_end(args);
    }
    *out = url_error_new_take(code, message, NULL);
}

UrlError *url_error_new(UrlErrorCode code, const char *message, const char *failing_url)
{
    return url_error_new_take(code, g_strdup(message), failing_url);
}

UrlError *url_error_ref(const UrlError *error)
{
    g_return_val_if_fail(error != NULL, NULL);
    /* Errors are immutable once made, so a const one may be shared; only the count moves. */
    UrlError *mutable_error = (UrlError *)error;
    g_atomic_int_inc(&mutable_error->ref_count);
    return mutable_error;
}

void url_error_unref(UrlError *error)
{
    if (error == NULL)
        return;
    if (!g_atomic_int_dec_and_test(&error->ref_count))
        return;
    g_free(error->message);
    g_free(error->failing_url);
    if (error->resume_data)
        g_bytes_unref(error->resume_data);
    g_strfreev(error->addresses_tried);
    g_free(error);
}

/* Errors are immutable: adding something makes a copy. */
static UrlError *error_copy(const UrlError *error)
{
    UrlError *copy = g_new0(UrlError, 1);
    copy->ref_count = 1;
    copy->code = error->code;
    copy->message = g_strdup(error->message);
    copy->failing_url = g_strdup(error->failing_url);
    copy->resume_data = error->resume_data ? g_bytes_ref(error->resume_data) : NULL;
    copy->addresses_tried = g_strdupv(error->addresses_tried);
    return copy;
}

UrlError *url__error_with_resume_data(const UrlError *error, GBytes *resume_data)
{
    UrlError *copy = error_copy(error);
    if (copy->resume_data)
        g_bytes_unref(copy->resume_data);
    copy->resume_data = resume_data ? g_bytes_ref(resume_data) : NULL;
    return copy;
}

UrlError *url__error_with_addresses_tried(const UrlError *error, const char *const *addresses,
                                          size_t count)
{
    UrlError *copy = error_copy(error);
    g_strfreev(copy->addresses_tried);
    copy->addresses_tried = g_new0(char *, count + 1);
    for (size_t i = 0; i < count; i++)
        copy->addresses_tried[i] = g_strdup(addresses[i]);
    return copy;
}

size_t url_error_get_addresses_tried_count(const UrlError *error)
{
    g_return_val_if_fail(error != NULL, 0);
    return error->addresses_tried ? g_strv_length(error->addresses_tried) : 0;
}

const char *url_error_get_address_tried(const UrlError *error, size_t index)
{
    g_return_val_if_fail(error != NULL, NULL);
    if (index >= url_error_get_addresses_tried_count(error))
        return NULL;
    return error->addresses_tried[index];
}

const void *url_error_get_resume_data(const UrlError *error, size_t *length)
{
    if (length != NULL)
        *length = 0;
    g_return_val_if_fail(error != NULL, NULL);
    if (error->resume_data == NULL)
        return NULL;
    gsize size = 0;
    const void *data = g_bytes_get_data(error->resume_data, &size);
    if (length != NULL)
        *length = size;
    return data;
}

UrlErrorCode url_error_get_code(const UrlError *error)
{
    g_return_val_if_fail(error != NULL, URL_ERROR_UNKNOWN);
    return error->code;
}

const char *url_error_get_message(const UrlError *error)
{
    g_return_val_if_fail(error != NULL, url_error_code_describe(URL_ERROR_UNKNOWN));
    return error->message;
}

const char *url_error_get_failing_url(const UrlError *error)
{
    g_return_val_if_fail(error != NULL, NULL);
    return error->failing_url;
}

const char *url_error_code_describe(UrlErrorCode code)
{
    return url_error_code_info(code)->description;
}

const char *url_error_code_name(UrlErrorCode code)
{
    return url_error_code_info(code)->name;
}
