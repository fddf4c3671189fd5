/* header_list.h — an ordered list of HTTP header fields with case-insensitive lookup.
 * Used by requests, configurations (additional headers) and responses. */
#ifndef URL_HTTP_HEADER_LIST_H
#define URL_HTTP_HEADER_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <urlsession/error.h>

typedef struct UrlHeaderList UrlHeaderList;

/* A list's fields and text are kept in as few blocks as the sizes allow: one when they fit
 * the room it was made with. */
UrlHeaderList *url__header_list_new(void);
/* A list with room for @fields fields and @text_bytes bytes of text (each name and value
 * taking its length plus one) before it needs another block. */
UrlHeaderList *url__header_list_new_sized(size_t fields, size_t text_bytes);
UrlHeaderList *url__header_list_copy(const UrlHeaderList *list);
/* A copy with room for @fields more fields of @text_bytes bytes of text; @list may be NULL. */
UrlHeaderList *url__header_list_copy_with_room(const UrlHeaderList *list, size_t fields,
                                               size_t text_bytes);
void url__header_list_free(UrlHeaderList *list);

/* Checks a name (RFC 9110 token: no CR, LF, NUL, colon, space) and a value (no CR, LF,
 * NUL or other control characters but HTAB). On failure sets @error to URL_ERROR_UNKNOWN
 * (NSURLError has no code for bad header input) with a message quoting the offending
 * text with C escapes, e.g. header name contains CR or LF: "X-A\r". */
bool url__header_name_is_valid(const char *name, UrlError **error);
bool url__header_value_is_valid(const char *value, UrlError **error);
/* Whether @text is a non-empty RFC 9110 token (§5.6.2), the syntax of header names and
 * of methods. */
bool url__header_is_token(const char *text);
/* The same for @length bytes of @text. */
bool url__header_is_token_n(const char *text, size_t length);

/* Appends without checking (for parsed responses, which are checked by the parser). */
void url__header_list_append(UrlHeaderList *list, const char *name, const char *value);
/* Removes every field called @name; returns how many were removed (0 from a NULL list,
 * as a request without headers has). */
size_t url__header_list_remove(UrlHeaderList *list, const char *name);
/* Removes every field called @name, then appends one. */
void url__header_list_set(UrlHeaderList *list, const char *name, const char *value);

/* First value of @name, or NULL. Borrowed: valid until that field is removed or the list
 * freed (appending other fields never moves a string). */
const char *url__header_list_get(const UrlHeaderList *list, const char *name);
/* Every value of @name joined with ", ", or NULL when absent; g_free() it. */
char *url__header_list_get_joined(const UrlHeaderList *list, const char *name);
bool url__header_list_contains(const UrlHeaderList *list, const char *name);
/* The index of the first field called @name at @from or after it, or the count when there
 * is none: for walking the fields of one name without comparing every other's. */
size_t url__header_list_find(const UrlHeaderList *list, const char *name, size_t from);
size_t url__header_list_count(const UrlHeaderList *list);
bool url__header_list_at(const UrlHeaderList *list, size_t index, const char **name,
                         const char **value);

/* Parses one raw response header line as libcurl's CURLOPT_HEADERFUNCTION delivers it
 * ("Name: value\r\n", no NUL terminator). Leading/trailing whitespace of the value is
 * removed; an obs-fold continuation line (starting with SP or HTAB) is appended to the
 * previous value with one space. Returns false for a line that is not a header field
 * (no colon, empty or invalid name, NUL inside); the caller treats that as a bad server
 * response. The status line and the empty final line are not passed here. */
bool url__header_list_parse_line(UrlHeaderList *list, const char *line, size_t length);

#endif
