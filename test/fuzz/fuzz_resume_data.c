/* fuzz_resume_data.c — decoding resume-data blobs (url__resume_data_decode), which
 * applications hand back to the library and which may come from anywhere.
 *
 * Input: the first byte picks the mode. Even: the rest is the blob as is (magic line,
 * checksum and all). Odd: the rest is the blob's body; the target appends the correct
 * sha256 line, so that the fuzzer reaches the field checks past the checksum. Decoding
 * is against the download directory /var/tmp/urlsession-fuzz (nothing is touched on
 * disk). Invariants checked:
 *   - a refusal is URL_ERROR_CANNOT_DECODE_RAW_DATA with a message;
 *   - an accepted blob has a URL, a path, an offset >= 0 and a validator, no value holds
 *     a newline, and the path is a "urlsession-*.download" file directly inside the
 *     download directory, also once canonicalised (no way out with "..", "." or "//");
 *   - encoding what was decoded and decoding that gives the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz_input.h"
#include "session/error.h"
#include "session/resume_data.h"

#define DIRECTORY "/var/tmp/urlsession-fuzz"

static bool no_newline(const char *value)
{
    return value == NULL || strchr(value, '\n') == NULL;
}

static void check_accepted(const UrlResumeData *resume)
{
    FUZZ_ASSERT(resume->url != NULL && resume->path != NULL);
    FUZZ_ASSERT(resume->offset >= 0);
    FUZZ_ASSERT(resume->etag != NULL || resume->last_modified != NULL);
    FUZZ_ASSERT(no_newline(resume->url) && no_newline(resume->path) && no_newline(resume->etag) &&
                no_newline(resume->last_modified));
    char *canonical = g_canonicalize_filename(resume->path, NULL);
    char *dir = g_path_get_dirname(canonical);
    char *base = g_path_get_basename(canonical);
    FUZZ_ASSERT(strcmp(dir, DIRECTORY) == 0);
    FUZZ_ASSERT(g_str_has_prefix(base, "urlsession-") && g_str_has_suffix(base, ".download"));
    g_free(canonical);
    g_free(dir);
    g_free(base);
}

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    GByteArray *blob = g_byte_array_new();
    g_byte_array_append(blob, data + 1, (guint)(size - 1));
    if (data[0] & 1) {
        char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, blob->data, blob->len);
        char *line = g_strdup_printf("sha256 %s\n", sum);
        g_byte_array_append(blob, (const guint8 *)line, (guint)strlen(line));
        g_free(line);
        g_free(sum);
    }
    UrlError *error = NULL;
    UrlResumeData *resume = url__resume_data_decode(blob->data, blob->len, DIRECTORY, &error);
    if (resume == NULL) {
        FUZZ_ASSERT(error != NULL);
        FUZZ_ASSERT(url_error_get_code(error) == URL_ERROR_CANNOT_DECODE_RAW_DATA);
        FUZZ_ASSERT(url_error_get_message(error) != NULL);
        url_error_unref(error);
    } else {
        FUZZ_ASSERT(error == NULL);
        check_accepted(resume);
        GBytes *again = url__resume_data_encode(resume);
        gsize length = 0;
        const void *bytes = g_bytes_get_data(again, &length);
        UrlResumeData *back = url__resume_data_decode(bytes, length, DIRECTORY, NULL);
        FUZZ_ASSERT(back != NULL);
        FUZZ_ASSERT(same(back->url, resume->url) && same(back->path, resume->path) &&
                    back->offset == resume->offset && same(back->etag, resume->etag) &&
                    same(back->last_modified, resume->last_modified));
        url__resume_data_free(back);
        g_bytes_unref(again);
        url__resume_data_free(resume);
    }
    g_byte_array_unref(blob);
    return 0;
}
