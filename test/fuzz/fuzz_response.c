/* fuzz_response.c — response head parsing and mapping: url__header_list_parse_line on each
 * raw header line as libcurl delivers it, then url__response_new (MIME type, charset,
 * expected content length, suggested file name).
 *
 * Input: the first line is the response URL; every following line (ending in '\n', the
 * '\r' kept) is one header line. The first byte of the URL line picks the status.
 * Invariants checked:
 *   - parsed header names are tokens; values hold no CR, LF or NUL;
 *   - the suggested file name is never empty, holds no '/' or '\\', does not start with
 *     '.', is valid UTF-8 without control characters and fits in 255 bytes;
 *   - the MIME type, when set, is lower case "type/subtype"; the charset is lower case;
 *   - the expected length is -1 or a non-negative number. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "http/header_list.h"
#include "session/response.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_response: invariant failed: %s (%s:%d)\n", #cond, __FILE__,      \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_filename(const char *name)
{
    FUZZ_CHECK(name != NULL);
    size_t length = strlen(name);
    FUZZ_CHECK(length > 0 && length <= 255);
    FUZZ_CHECK(name[0] != '.');
    FUZZ_CHECK(strchr(name, '/') == NULL && strchr(name, '\\') == NULL);
    FUZZ_CHECK(g_utf8_validate(name, -1, NULL));
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        FUZZ_CHECK(c >= 0x20 && c != 0x7f);
    }
}

static void check_lower(const char *text)
{
    for (const char *p = text; *p; p++)
        FUZZ_CHECK(!g_ascii_isupper(*p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *end = data + size;
    const uint8_t *newline = memchr(data, '\n', size);
    size_t url_length = newline ? (size_t)(newline - data) : size;
    int status = size > 0 ? 100 + data[0] % 500 : 200;
    char *url = g_strndup((const char *)data, url_length);
    const uint8_t *p = newline ? newline + 1 : end;

    UrlHeaderList *headers = url__header_list_new();
    while (p < end) {
        const uint8_t *line_end = memchr(p, '\n', (size_t)(end - p));
        size_t length = line_end ? (size_t)(line_end - p) + 1 : (size_t)(end - p);
        (void)url__header_list_parse_line(headers, (const char *)p, length);
        p += length;
    }
    size_t count = url__header_list_count(headers);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        FUZZ_CHECK(url__header_list_at(headers, i, &name, &value));
        FUZZ_CHECK(url__header_is_token(name));
        FUZZ_CHECK(strchr(value, '\r') == NULL && strchr(value, '\n') == NULL);
    }

    UrlResponse *response = url__response_new(status, url, "http/1.1", headers);
    FUZZ_CHECK(response != NULL);
    FUZZ_CHECK(url_response_get_status_code(response) == status);
    FUZZ_CHECK(url_response_get_header_count(response) == count);
    check_filename(url_response_get_suggested_filename(response));
    const char *mime = url_response_get_mime_type(response);
    if (mime) {
        check_lower(mime);
        const char *slash = strchr(mime, '/');
        FUZZ_CHECK(slash != NULL && slash != mime && slash[1] != '\0');
    }
    const char *charset = url_response_get_text_encoding_name(response);
    if (charset) {
        FUZZ_CHECK(charset[0] != '\0');
        check_lower(charset);
    }
    FUZZ_CHECK(url_response_get_expected_content_length(response) >= -1);
    url_response_unref(response);

    /* The sanitiser alone, on the raw text: whatever it returns obeys the same rules. */
    char *raw = g_strndup((const char *)data, size);
    char *safe = url__sanitize_filename(raw);
    if (safe)
        check_filename(safe);
    g_free(safe);
    g_free(raw);
    g_free(url);
    return 0;
}
