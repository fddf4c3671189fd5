/* resume.h — byte-range resume (-C -): the Range request and the Content-Range answer. */
#ifndef URLGET_RESUME_H
#define URLGET_RESUME_H

#include <stdbool.h>
#include <stdint.h>

/* Returns: the size of the file to continue, 0 when it does not exist; -1 with errno set
 * when it cannot be used (a directory, unreadable). */
int64_t resume_existing_size(const char *path);

/* Writes "bytes=@offset-" (RFC 9110 §14.1.2: everything from @offset on). */
void resume_range_header(int64_t offset, char out[32]);

/* A Content-Range header (RFC 9110 §14.4): "bytes FIRST-LAST/LENGTH" in a 206, or
 * "bytes STAR/LENGTH" in a 416. Unknown parts are -1. */
typedef struct ContentRange {
    int64_t first;
    int64_t last;
    int64_t complete_length;
} ContentRange;

/* Returns: false when @value is not a Content-Range of bytes. */
bool resume_parse_content_range(const char *value, ContentRange *range);

#endif
