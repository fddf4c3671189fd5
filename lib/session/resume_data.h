/* resume_data.h — the resume-data blob of an interrupted download: what it holds, its
 * versioned and checksummed encoding, and the checks a blob passes before it is used. */
#ifndef URL_SESSION_RESUME_DATA_H
#define URL_SESSION_RESUME_DATA_H

#include <stdint.h>

#include <glib.h>
#include <urlsession/error.h>

typedef struct {
    char *url;           /* the URL the partial body came from (after redirects) */
    char *path;          /* the partial file, in the session's download directory */
    int64_t offset;      /* bytes of the body in it */
    char *etag;          /* the validator sent as If-Range: the ETag ... */
    char *last_modified; /* ... or else Last-Modified; one of them is set */
} UrlResumeData;

/* The blob for @resume (free with g_bytes_unref()). */
GBytes *url__resume_data_encode(const UrlResumeData *resume);
/* Decodes @data and checks it: the magic line, the version, the checksum, the fields,
 * and a partial file that is a download file directly inside @download_directory (a
 * blob cannot point the library at any other file). Returns NULL with @error set to
 * URL_ERROR_CANNOT_DECODE_RAW_DATA and a message naming the problem. */
UrlResumeData *url__resume_data_decode(const void *data, size_t length,
                                       const char *download_directory, UrlError **error);
void url__resume_data_free(UrlResumeData *resume);

#endif
