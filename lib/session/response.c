/* response.c — UrlResponse: status and headers, and the facts derived from them once
 * (MIME type, charset, expected length, a safe suggested file name). */
#include "response.h"

#include <string.h>

#include <glib.h>

#include "http/url.h"

/* NAME_MAX on Linux filesystems. */
#define URL__MAX_FILENAME_BYTES 255
/* An extension longer than this is not worth keeping when a name must be shortened. */
#define URL__MAX_KEPT_EXTENSION 16

/* One allocation holds the response and its fixed strings: responses are made on the
 * network thread for every hop and often freed on the delegate's. */
struct UrlResponse {
    int ref_count; /* atomic */
    int status_code;
    const char *url;          /* in text */
    const char *http_version; /* in text */
    UrlHeaderList *headers;
    const char *mime_type; /* in text; NULL when absent */
    char *text_encoding_name;
    int64_t expected_content_length;
    char *suggested_filename; /* made on first use, then never NULL; atomic */
    char text[];              /* the URL, the version and the MIME type */
};

static bool url_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static char *url_strip_ows(const char *start, const char *end)
{
    while (start < end && url_is_ows(*start))
        start++;
    while (end > start && url_is_ows(end[-1]))
        end--;
    return g_strndup(start, (gsize)(end - start));
}

/* Reads a quoted-string (RFC 9110 §5.6.4) starting at the opening quote; stops at the end
 * of the text when the closing quote is missing, which servers do get wrong. */
static char *url_read_quoted(const char **cursor)
{
    const char *p = *cursor + 1;
    GString *out = g_string_new(NULL);
    while (*p != '\0' && *p != '"') {
        if (*p == '\\' && p[1] != '\0')
            p++;
        g_string_append_c(out, *p);
        p++;
    }
    if (*p == '"')
        p++;
    *cursor = p;
    return g_string_free(out, FALSE);
}

/* The value of parameter @name (case-insensitive) in a header such as Content-Type or
 * Content-Disposition ("type; a=b; c=\"d\"", RFC 9110 §5.6.6), unquoted, or NULL.
 * Unquoted values run to the next ';' so that a sloppy "filename=my file.txt" still
 * works. */
static char *url_header_parameter(const char *header, const char *name)
{
    const char *p = strchr(header, ';');
    while (p != NULL && *p != '\0') {
        while (*p == ';' || url_is_ows(*p))
            p++;
        if (*p == '\0')
            break;
        const char *name_start = p;
        while (*p != '\0' && *p != '=' && *p != ';')
            p++;
        char *param_name = url_strip_ows(name_start, p);
        if (*p != '=') {
            g_free(param_name);
            continue;
        }
        p++;
        while (url_is_ows(*p))
            p++;
        char *value;
        if (*p == '"') {
            value = url_read_quoted(&p);
            while (*p != '\0' && *p != ';')
                p++;
        } else {
            const char *value_start = p;
            while (*p != '\0' && *p != ';')
                p++;
            value = url_strip_ows(value_start, p);
        }
        bool match = g_ascii_strcasecmp(param_name, name) == 0;
        g_free(param_name);
        if (match)
            return value;
        g_free(value);
    }
    return NULL;
}

/* Where "type/subtype" is in a Content-Type: false when it has no valid media type. */
static bool url_find_mime_type(const char *content_type, const char **start, size_t *length)
{
    const char *end = strchr(content_type, ';');
    if (end == NULL)
        end = content_type + strlen(content_type);
    const char *media = content_type;
    while (media < end && url_is_ows(*media))
        media++;
    while (end > media && url_is_ows(end[-1]))
        end--;
    const char *slash = memchr(media, '/', (size_t)(end - media));
    if (slash == NULL || !url__header_is_token_n(media, (size_t)(slash - media)) ||
        !url__header_is_token_n(slash + 1, (size_t)(end - slash - 1)))
        return false;
    *start = media;
    *length = (size_t)(end - media);
    return true;
}

static char *url_parse_charset(const char *content_type)
{
    char *charset = url_header_parameter(content_type, "charset");
    if (charset == NULL || charset[0] == '\0') {
        g_free(charset);
        return NULL;
    }
    char *lower = g_ascii_strdown(charset, -1);
    g_free(charset);
    return lower;
}

/* One element of a Content-Length list: digits between optional whitespace, at most
 * G_MAXINT64. */
static bool url_parse_length(const char *start, const char *end, int64_t *length)
{
    while (start < end && url_is_ows(*start))
        start++;
    while (end > start && url_is_ows(end[-1]))
        end--;
    if (start == end)
        return false;
    uint64_t value = 0;
    for (const char *p = start; p < end; p++) {
        if (!g_ascii_isdigit(*p))
            return false;
        unsigned digit = (unsigned)(*p - '0');
        if (value > ((uint64_t)G_MAXINT64 - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    *length = (int64_t)value;
    return true;
}

static int64_t url_expected_length(const UrlHeaderList *headers)
{
    /* The length on the wire says nothing about the decoded body, and a Content-Length
     * beside Transfer-Encoding must be ignored (RFC 9112 §6.3). */
    const char *encoding = url__header_list_get(headers, "Content-Encoding");
    if (encoding != NULL && encoding[0] != '\0' && g_ascii_strcasecmp(encoding, "identity") != 0)
        return -1;
    if (url__header_list_contains(headers, "Transfer-Encoding"))
        return -1;

    /* RFC 9110 §8.6: a list of identical values is the same as one value, whether in one
     * field or several; every element must be a valid length. */
    int64_t length = -1;
    size_t count = url__header_list_count(headers);
    for (size_t i = url__header_list_find(headers, "Content-Length", 0); i < count;
         i = url__header_list_find(headers, "Content-Length", i + 1)) {
        const char *value;
        url__header_list_at(headers, i, NULL, &value);
        for (const char *element = value;;) {
            const char *comma = strchr(element, ',');
            const char *end = comma != NULL ? comma : element + strlen(element);
            int64_t one;
            if (!url_parse_length(element, end, &one) || (length >= 0 && one != length))
                return -1;
            length = one;
            if (comma == NULL)
                break;
            element = comma + 1;
        }
    }
    return length;
}

/* RFC 8187 ext-value: charset "'" [ language ] "'" value-chars, as UTF-8 text or NULL. */
static char *url_decode_ext_value(const char *ext)
{
    const char *quote1 = strchr(ext, '\'');
    const char *quote2 = quote1 ? strchr(quote1 + 1, '\'') : NULL;
    if (quote2 == NULL)
        return NULL;
    char *charset = g_strndup(ext, (gsize)(quote1 - ext));
    char *raw = g_uri_unescape_string(quote2 + 1, NULL);
    char *text = NULL;
    if (raw != NULL) {
        if (g_ascii_strcasecmp(charset, "UTF-8") == 0) {
            if (g_utf8_validate(raw, -1, NULL))
                text = g_steal_pointer(&raw);
        } else if (g_ascii_strcasecmp(charset, "ISO-8859-1") == 0) {
            text = g_convert(raw, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
        }
    }
    g_free(raw);
    g_free(charset);
    return text;
}

static char *url_disposition_filename(const char *disposition)
{
    /* filename* (RFC 6266 §4.3) carries the real name when the plain one is an ASCII
     * fallback, so it wins when both are there and it decodes. */
    char *ext = url_header_parameter(disposition, "filename*");
    if (ext != NULL) {
        char *decoded = url_decode_ext_value(ext);
        g_free(ext);
        char *safe = url__sanitize_filename(decoded);
        g_free(decoded);
        if (safe != NULL)
            return safe;
    }
    char *plain = url_header_parameter(disposition, "filename");
    char *safe = url__sanitize_filename(plain);
    g_free(plain);
    return safe;
}

static char *url_suggested_filename(const char *url, const UrlHeaderList *headers,
                                    const char *mime_type)
{
    const char *disposition = url__header_list_get(headers, "Content-Disposition");
    char *name = disposition ? url_disposition_filename(disposition) : NULL;
    if (name != NULL)
        return name;

    char *segment = url__url_last_path_segment(url);
    name = url__sanitize_filename(segment);
    g_free(segment);
    if (name != NULL)
        return name;

    if (mime_type != NULL && strcmp(mime_type, "text/html") == 0)
        return g_strdup("index.html");
    return g_strdup("download");
}

/* Cuts @name to at most URL__MAX_FILENAME_BYTES on a character boundary, keeping a short
 * extension so the file still opens with the right program. */
static char *url_shorten_filename(char *name)
{
    size_t length = strlen(name);
    if (length <= URL__MAX_FILENAME_BYTES)
        return name;
    const char *dot = strrchr(name, '.');
    size_t extension = dot != NULL ? strlen(dot) : 0;
    if (extension > URL__MAX_KEPT_EXTENSION || dot == name)
        extension = 0;
    size_t stem = URL__MAX_FILENAME_BYTES - extension;
    /* Back off to the start of a UTF-8 sequence. */
    while (stem > 0 && ((unsigned char)name[stem] & 0xc0) == 0x80)
        stem--;
    char *shortened = g_strdup_printf("%.*s%s", (int)stem, name, extension ? dot : "");
    g_free(name);
    return shortened;
}

char *url__sanitize_filename(const char *name)
{
    if (name == NULL)
        return NULL;
    const char *base = name;
    for (const char *p = name; *p != '\0'; p++) {
        if (*p == '/' || *p == '\\')
            base = p + 1;
    }
    /* Names reach file systems, terminals and bindings' text strings: keep them UTF-8. */
    char *valid = g_utf8_make_valid(base, -1);
    for (char *p = valid; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            *p = '_';
    }
    /* Leading dots would hide the file or, as "." and "..", name a directory. */
    const char *start = valid;
    while (*start == '.' || *start == ' ')
        start++;
    const char *end = start + strlen(start);
    while (end > start && end[-1] == ' ')
        end--;
    char *result = NULL;
    if (end > start)
        result = url_shorten_filename(g_strndup(start, (gsize)(end - start)));
    g_free(valid);
    return result;
}

UrlResponse *url__response_new(int status_code, const char *url, const char *http_version,
                               UrlHeaderList *headers)
{
    if (url == NULL || http_version == NULL) {
        /* Ownership of @headers was passed in, so they are freed even on this path. */
        g_critical("%s: the URL and the HTTP version are required", G_STRFUNC);
        url__header_list_free(headers);
        return NULL;
    }
    if (headers == NULL)
        headers = url__header_list_new_sized(0, 0);
    const char *content_type = url__header_list_get(headers, "Content-Type");
    const char *mime = NULL;
    size_t mime_length = 0;
    bool has_mime = content_type != NULL && url_find_mime_type(content_type, &mime, &mime_length);
    size_t url_size = strlen(url) + 1;
    size_t version_size = strlen(http_version) + 1;
    UrlResponse *response =
        g_malloc(sizeof(UrlResponse) + url_size + version_size + (has_mime ? mime_length + 1 : 0));
    response->ref_count = 1;
    response->status_code = status_code;
    char *text = response->text;
    response->url = memcpy(text, url, url_size);
    text += url_size;
    response->http_version = memcpy(text, http_version, version_size);
    text += version_size;
    response->mime_type = NULL;
    if (has_mime) {
        for (size_t i = 0; i < mime_length; i++)
            text[i] = mime[i] >= 'A' && mime[i] <= 'Z' ? (char)(mime[i] - 'A' + 'a') : mime[i];
        text[mime_length] = '\0';
        response->mime_type = text;
    }
    response->headers = headers;
    response->text_encoding_name = content_type ? url_parse_charset(content_type) : NULL;
    response->expected_content_length = url_expected_length(headers);
    /* The suggested file name is made on first request (most responses are never
     * saved): see url_response_get_suggested_filename. */
    response->suggested_filename = NULL;
    return response;
}

const UrlHeaderList *url__response_get_headers(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, NULL);
    return response->headers;
}

UrlResponse *url_response_ref(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, NULL);
    /* Responses do not change once built, so a const one may be shared. */
    UrlResponse *mutable_response = (UrlResponse *)response;
    g_atomic_int_inc(&mutable_response->ref_count);
    return mutable_response;
}

void url_response_unref(UrlResponse *response)
{
    if (response == NULL || !g_atomic_int_dec_and_test(&response->ref_count))
        return;
    url__header_list_free(response->headers);
    g_free(response->text_encoding_name);
    g_free(response->suggested_filename);
    g_free(response);
}

int url_response_get_status_code(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, 0);
    return response->status_code;
}

const char *url_response_get_url(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, NULL);
    return response->url;
}

const char *url_response_get_header(const UrlResponse *response, const char *name)
{
    g_return_val_if_fail(response != NULL, NULL);
    return url__header_list_get(response->headers, name);
}

char *url_response_get_header_joined(const UrlResponse *response, const char *name)
{
    g_return_val_if_fail(response != NULL, NULL);
    char *joined = url__header_list_get_joined(response->headers, name);
    if (joined == NULL)
        return NULL;
    /* Documented as free()-able: copy with the C allocator rather than rely on GLib's. */
    char *result = strdup(joined);
    g_free(joined);
    return result;
}

size_t url_response_get_header_count(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, 0);
    return url__header_list_count(response->headers);
}

bool url_response_get_header_at(const UrlResponse *response, size_t index, const char **name,
                                const char **value)
{
    g_return_val_if_fail(response != NULL, false);
    return url__header_list_at(response->headers, index, name, value);
}

const char *url_response_get_mime_type(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, NULL);
    return response->mime_type;
}

const char *url_response_get_text_encoding_name(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, NULL);
    return response->text_encoding_name;
}

int64_t url_response_get_expected_content_length(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, -1);
    return response->expected_content_length;
}

const char *url_response_get_suggested_filename(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, NULL);
    /* Responses are shared between threads: the first caller's name is the one kept. */
    UrlResponse *shared = (UrlResponse *)response;
    char *name = g_atomic_pointer_get(&shared->suggested_filename);
    if (name != NULL)
        return name;
    name = url_suggested_filename(shared->url, shared->headers, shared->mime_type);
    if (!g_atomic_pointer_compare_and_exchange(&shared->suggested_filename, NULL, name)) {
        g_free(name);
        name = g_atomic_pointer_get(&shared->suggested_filename);
    }
    return name;
}

const char *url_response_get_http_version(const UrlResponse *response)
{
    g_return_val_if_fail(response != NULL, NULL);
    return response->http_version;
}
