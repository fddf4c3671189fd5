/* resume.c — byte-range resume (-C -): the Range request and the Content-Range answer. */
#include "resume.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>

int64_t resume_existing_size(const char *path)
{
    struct stat status;
    if (stat(path, &status) != 0) {
        return errno == ENOENT ? 0 : -1;
    }
    if (S_ISDIR(status.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    /* Only a regular file has a size to continue from (-o /dev/null has none). */
    return S_ISREG(status.st_mode) ? (int64_t)status.st_size : 0;
}

void resume_range_header(int64_t offset, char out[32])
{
    snprintf(out, 32, "bytes=%" PRId64 "-", offset);
}

/* Parses a non-negative decimal number at *@text, moving past it. */
static bool parse_number(const char **text, int64_t *value)
{
    const char *p = *text;
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    int64_t result = 0;
    for (; isdigit((unsigned char)*p); p++) {
        if (result > (INT64_MAX - 9) / 10) {
            return false;
        }
        result = result * 10 + (*p - '0');
    }
    *value = result;
    *text = p;
    return true;
}

bool resume_parse_content_range(const char *value, ContentRange *range)
{
    range->first = range->last = range->complete_length = -1;
    if (value == NULL) {
        return false;
    }
    while (*value == ' ' || *value == '\t') {
        value++;
    }
    if (strncasecmp(value, "bytes", 5) != 0 || (value[5] != ' ' && value[5] != '\t')) {
        return false;
    }
    const char *p = value + 6;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (*p == '*') {
        p++;
    } else {
        if (!parse_number(&p, &range->first) || *p++ != '-' || !parse_number(&p, &range->last) ||
            range->last < range->first) {
            return false;
        }
    }
    if (*p++ != '/') {
        return false;
    }
    if (*p == '*') {
        p++;
    } else if (!parse_number(&p, &range->complete_length)) {
        return false;
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    /* "bytes * / *" says nothing at all. */
    return *p == '\0' && (range->first >= 0 || range->complete_length >= 0);
}
