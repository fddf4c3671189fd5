/* resume_data.c — the resume-data blob of an interrupted download.
 *
 * The blob is text, one "key value" per line:
 *
 *   urlsession-resume-data 1
 *   url https://example.com/big.iso
 *   path /home/me/.cache/urlsession-Ab12Cd.download
 *   offset 1048576
 *   etag "5f1d-64a"
 *   sha256 <hex of every byte above this line>
 *
 * The first line names the format and its version; the checksum catches truncation and
 * corruption. Values never contain a newline (URLs and header values cannot). */
#include "session/resume_data.h"

#include <errno.h>
#include <string.h>

#include "session/error.h"

#define MAGIC   "urlsession-resume-data"
#define VERSION 1

static void put(GString *out, const char *key, const char *value)
{
    if (value != NULL)
        g_string_append_printf(out, "%s %s\n", key, value);
}

GBytes *url__resume_data_encode(const UrlResumeData *resume)
{
    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "%s %d\n", MAGIC, VERSION);
    put(out, "url", resume->url);
    put(out, "path", resume->path);
    g_string_append_printf(out, "offset %" G_GINT64_FORMAT "\n", (gint64)resume->offset);
    put(out, "etag", resume->etag);
    put(out, "last-modified", resume->last_modified);
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)out->str, out->len);
    g_string_append_printf(out, "sha256 %s\n", sum);
    g_free(sum);
    gsize length = out->len;
    return g_bytes_new_take(g_string_free(out, FALSE), length);
}

void url__resume_data_free(UrlResumeData *resume)
{
    if (resume == NULL)
        return;
    g_free(resume->url);
    g_free(resume->path);
    g_free(resume->etag);
    g_free(resume->last_modified);
    g_free(resume);
}

static UrlResumeData *fail(UrlResumeData *resume, UrlError **error, const char *why)
{
    url__error_set(error, URL_ERROR_CANNOT_DECODE_RAW_DATA, "unusable resume data: %s", why);
    url__resume_data_free(resume);
    return NULL;
}

/* The partial file must be one the library made: "urlsession-*.download" directly in
 * the download directory. */
static bool is_own_download_file(const char *path, const char *download_directory)
{
    if (!g_path_is_absolute(path) || strstr(path, "/../") || strstr(path, "/./"))
        return false;
    char *parent = g_path_get_dirname(path);
    char *dir = g_canonicalize_filename(parent, NULL);
    char *base = g_path_get_basename(path);
    char *canonical_dir = g_canonicalize_filename(download_directory, NULL);
    g_free(parent);
    bool ok = strcmp(dir, canonical_dir) == 0 && g_str_has_prefix(base, "urlsession-") &&
              g_str_has_suffix(base, ".download") && strchr(base, '/') == NULL;
    g_free(dir);
    g_free(base);
    g_free(canonical_dir);
    return ok;
}

static void set_string(char **slot, const char *value)
{
    g_free(*slot);
    *slot = g_strdup(value);
}

static bool parse_offset(const char *text, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    gint64 value = g_ascii_strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0)
        return false;
    *out = value;
    return true;
}

UrlResumeData *url__resume_data_decode(const void *data, size_t length,
                                       const char *download_directory, UrlError **error)
{
    if (data == NULL || length == 0)
        return fail(NULL, error, "empty");
    const char *text = data;
    size_t magic_length = strlen(MAGIC);
    if (length < magic_length + 1 || memcmp(text, MAGIC " ", magic_length + 1) != 0)
        return fail(NULL, error, "not liburlsession resume data");
    if (memchr(text, '\0', length) != NULL || text[length - 1] != '\n')
        return fail(NULL, error, "truncated or not text");
    /* The checksum line is the last one and covers everything before it. */
    const char *last = g_strrstr_len(text, (gssize)length - 1, "\n");
    if (last == NULL || length - (size_t)(last + 1 - text) < 8 ||
        strncmp(last + 1, "sha256 ", 7) != 0)
        return fail(NULL, error, "no checksum line");
    size_t covered = (size_t)(last + 1 - text);
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, covered);
    bool sum_ok =
        length - covered == 7 + strlen(sum) + 1 && strncmp(last + 1 + 7, sum, strlen(sum)) == 0;
    g_free(sum);
    if (!sum_ok)
        return fail(NULL, error, "checksum mismatch (the blob is corrupt or was modified)");

    char *body = g_strndup(text, covered);
    char **lines = g_strsplit(body, "\n", -1);
    g_free(body);
    UrlResumeData *resume = g_new0(UrlResumeData, 1);
    resume->offset = -1;
    const char *why = NULL;
    int version = -1;
    for (char **line = lines; *line && why == NULL; line++) {
        if (**line == '\0')
            continue;
        const char *space = strchr(*line, ' ');
        if (space == NULL) {
            why = "a line without a value";
            break;
        }
        char *key = g_strndup(*line, (gsize)(space - *line));
        const char *value = space + 1;
        if (strcmp(key, MAGIC) == 0)
            version = atoi(value);
        else if (strcmp(key, "url") == 0)
            set_string(&resume->url, value);
        else if (strcmp(key, "path") == 0)
            set_string(&resume->path, value);
        else if (strcmp(key, "offset") == 0 && !parse_offset(value, &resume->offset))
            why = "a bad offset";
        else if (strcmp(key, "etag") == 0)
            set_string(&resume->etag, value);
        else if (strcmp(key, "last-modified") == 0)
            set_string(&resume->last_modified, value);
        /* Unknown keys of the same version are ignored: room for additions. */
        g_free(key);
    }
    g_strfreev(lines);
    if (why)
        return fail(resume, error, why);
    if (version != VERSION) {
        char *message = g_strdup_printf("version %d is not supported (this library reads %d)",
                                        version, VERSION);
        fail(resume, error, message);
        g_free(message);
        return NULL;
    }
    if (resume->url == NULL || resume->path == NULL || resume->offset < 0)
        return fail(resume, error, "url, path or offset missing");
    if (resume->etag == NULL && resume->last_modified == NULL)
        return fail(resume, error, "no validator (ETag or Last-Modified)");
    if (!is_own_download_file(resume->path, download_directory))
        return fail(resume, error,
                    "the partial file is not a download file of this session's download "
                    "directory (resume data of another session or application)");
    return resume;
}
