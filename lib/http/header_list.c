/* header_list.c — ordered HTTP header fields: validation, case-insensitive lookup and
 * parsing of the raw lines libcurl delivers. */
#include "header_list.h"

#include <string.h>

#include <glib.h>

#include "session/error.h"

/* Bad header input is the caller's mistake, not a URL or network failure, and NSURLError
 * has no code for it (Foundation throws), so it is reported as URL_ERROR_UNKNOWN with a
 * message that quotes the offending text. */
#define URL__HEADER_ERROR URL_ERROR_UNKNOWN

/* The text of a list lives in chunks that are never moved, so that a string handed out
 * stays valid while other fields come and go (the public getters of requests and
 * configurations promise that), and a list is built and freed with one or two
 * allocations rather than two per field: a response head is parsed on the network
 * thread and often freed on the delegate's, where every free() is glibc's slow path. */
typedef struct UrlHeaderChunk {
    struct UrlHeaderChunk *next; /* the older chunk */
    size_t size;
    size_t used;
    size_t live; /* fields whose name and value are here */
    char data[];
} UrlHeaderChunk;

typedef struct {
    const char *name; /* the name and the value are in the same chunk */
    const char *value;
    size_t name_length;
    size_t value_length;
} UrlHeaderField;

struct UrlHeaderList {
    UrlHeaderField *fields; /* first the inline ones, then from the heap when outgrown */
    size_t count;
    size_t capacity;
    UrlHeaderChunk *chunks;       /* newest first: appends go to the first */
    UrlHeaderChunk *inline_chunk; /* in this allocation, or NULL */
    UrlHeaderField inline_fields[];
    /* then, when inline_chunk is set, that chunk and its text */
};

/* A new chunk is at least this big and, for longer lists, as big as the one before it
 * twice over up to the maximum, so that a long head takes a few allocations, not one per
 * field; a chunk of one field whose text is longer than that is made to measure. */
#define URL__HEADER_CHUNK_MIN 256
#define URL__HEADER_CHUNK_MAX (16 * 1024)

static bool url_is_tchar(unsigned char c)
{
    /* RFC 9110 §5.6.2 tchar. A switch rather than strchr(): every name of every parsed
     * line goes through here. */
    if (g_ascii_isalnum(c))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

static char url_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive equality of @length bytes, without a call per field: names are
 * compared on every lookup. */
static bool url_same_name(const char *a, const char *b, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (a[i] != b[i] && url_ascii_lower(a[i]) != url_ascii_lower(b[i]))
            return false;
    }
    return true;
}

static bool url_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static UrlHeaderField *url_header_list_field(const UrlHeaderList *list, size_t index)
{
    return &list->fields[index];
}

bool url__header_is_token_n(const char *text, size_t length)
{
    if (text == NULL || length == 0)
        return false;
    for (size_t i = 0; i < length; i++) {
        if (!url_is_tchar((unsigned char)text[i]))
            return false;
    }
    return true;
}

bool url__header_is_token(const char *text)
{
    return text != NULL && url__header_is_token_n(text, strlen(text));
}

UrlHeaderList *url__header_list_new_sized(size_t fields, size_t text_bytes)
{
    size_t size = sizeof(UrlHeaderList) + fields * sizeof(UrlHeaderField);
    if (text_bytes > 0)
        size += sizeof(UrlHeaderChunk) + text_bytes;
    UrlHeaderList *list = g_malloc(size);
    list->fields = fields > 0 ? list->inline_fields : NULL;
    list->count = 0;
    list->capacity = fields;
    list->chunks = NULL;
    list->inline_chunk = NULL;
    if (text_bytes > 0) {
        UrlHeaderChunk *chunk = (UrlHeaderChunk *)(list->inline_fields + fields);
        chunk->next = NULL;
        chunk->size = text_bytes;
        chunk->used = 0;
        chunk->live = 0;
        list->chunks = chunk;
        list->inline_chunk = chunk;
    }
    return list;
}

UrlHeaderList *url__header_list_new(void)
{
    /* Room for a few fields set by hand on a request or a configuration. */
    return url__header_list_new_sized(4, 128);
}

void url__header_list_free(UrlHeaderList *list)
{
    if (list == NULL)
        return;
    UrlHeaderChunk *chunk = list->chunks;
    while (chunk != NULL) {
        UrlHeaderChunk *next = chunk->next;
        if (chunk != list->inline_chunk)
            g_free(chunk);
        chunk = next;
    }
    if (list->fields != list->inline_fields)
        g_free(list->fields);
    g_free(list);
}

bool url__header_name_is_valid(const char *name, UrlError **error)
{
    if (name == NULL) {
        url__error_set(error, URL__HEADER_ERROR, "header name is missing");
        return false;
    }
    if (name[0] == '\0') {
        url__error_set(error, URL__HEADER_ERROR, "header name is empty");
        return false;
    }
    const char *problem = NULL;
    if (strpbrk(name, "\r\n") != NULL)
        problem = "contains CR or LF";
    else if (!url__header_is_token(name))
        problem = "is not an HTTP token";
    if (problem == NULL)
        return true;
    char *quoted = url__error_quote(name);
    url__error_set(error, URL__HEADER_ERROR, "header name %s: %s", problem, quoted);
    g_free(quoted);
    return false;
}

bool url__header_value_is_valid(const char *value, UrlError **error)
{
    if (value == NULL) {
        url__error_set(error, URL__HEADER_ERROR, "header value is missing");
        return false;
    }
    const char *problem = NULL;
    if (strpbrk(value, "\r\n") != NULL) {
        problem = "contains CR or LF";
    } else {
        /* RFC 9110 §5.5: other controls than HTAB are not valid in a field value either;
         * some servers and proxies split or truncate on them. */
        for (const char *p = value; *p != '\0'; p++) {
            unsigned char c = (unsigned char)*p;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                problem = "contains a control character";
                break;
            }
        }
    }
    if (problem == NULL)
        return true;
    char *quoted = url__error_quote(value);
    url__error_set(error, URL__HEADER_ERROR, "header value %s: %s", problem, quoted);
    g_free(quoted);
    return false;
}

/* Room for @bytes more bytes of text in the newest chunk; a new chunk when it is full. */
static UrlHeaderChunk *url_header_list_reserve(UrlHeaderList *list, size_t bytes)
{
    UrlHeaderChunk *head = list->chunks;
    if (head != NULL && head->size - head->used >= bytes)
        return head;
    size_t size = head != NULL ? MIN(head->size * 2, URL__HEADER_CHUNK_MAX) : 0;
    size = MAX(MAX(size, URL__HEADER_CHUNK_MIN), bytes);
    UrlHeaderChunk *chunk = g_malloc(sizeof(UrlHeaderChunk) + size);
    chunk->next = head;
    chunk->size = size;
    chunk->used = 0;
    chunk->live = 0;
    list->chunks = chunk;
    return chunk;
}

/* Copies a field's name and value into one chunk, with @value_room more bytes after the
 * value for the caller to fill (an unfolded line), and counts it there. */
static void url_header_list_store(UrlHeaderList *list, UrlHeaderField *field, const char *name,
                                  size_t name_length, const char *value, size_t value_length,
                                  size_t value_room)
{
    size_t bytes = name_length + value_length + value_room + 2;
    UrlHeaderChunk *chunk = url_header_list_reserve(list, bytes);
    char *text = chunk->data + chunk->used;
    memcpy(text, name, name_length);
    text[name_length] = '\0';
    memcpy(text + name_length + 1, value, value_length);
    text[name_length + 1 + value_length] = '\0';
    chunk->used += bytes;
    chunk->live++;
    field->name = text;
    field->value = text + name_length + 1;
    field->name_length = name_length;
    field->value_length = value_length;
}

static UrlHeaderChunk *url_header_list_chunk_of(const UrlHeaderList *list, const char *text)
{
    for (UrlHeaderChunk *chunk = list->chunks; chunk != NULL; chunk = chunk->next) {
        if (text >= chunk->data && text < chunk->data + chunk->used)
            return chunk;
    }
    return NULL;
}

/* The field's text is no longer used: a chunk left with none is freed (or, the newest,
 * written again from its start), so that setting a field over and over stays bounded. */
static void url_header_list_release(UrlHeaderList *list, const UrlHeaderField *field)
{
    UrlHeaderChunk *chunk = url_header_list_chunk_of(list, field->name);
    g_return_if_fail(chunk != NULL); /* every field's text is in one of the list's chunks */
    if (--chunk->live > 0)
        return;
    if (chunk == list->chunks) {
        chunk->used = 0;
        return;
    }
    if (chunk == list->inline_chunk)
        return; /* part of the list's own allocation */
    UrlHeaderChunk **link = &list->chunks;
    while (*link != chunk)
        link = &(*link)->next;
    *link = chunk->next;
    g_free(chunk);
}

static void url_header_list_append_len(UrlHeaderList *list, const char *name, size_t name_length,
                                       const char *value, size_t value_length)
{
    if (list->count == list->capacity) {
        size_t capacity = MAX(list->capacity * 2, 8);
        if (list->fields == list->inline_fields || list->fields == NULL) {
            UrlHeaderField *fields = g_new(UrlHeaderField, capacity);
            if (list->count > 0)
                memcpy(fields, list->fields, list->count * sizeof(UrlHeaderField));
            list->fields = fields;
        } else {
            list->fields = g_renew(UrlHeaderField, list->fields, capacity);
        }
        list->capacity = capacity;
    }
    /* The field's text goes in before the count changes: @name and @value may be
     * another field's strings, which no append moves. */
    url_header_list_store(list, &list->fields[list->count], name, name_length, value, value_length,
                          0);
    list->count++;
}

/* Bytes of text the fields take, NULs included. */
static size_t url_header_list_text_bytes(const UrlHeaderList *list)
{
    size_t bytes = 0;
    for (size_t i = 0; i < list->count; i++)
        bytes += list->fields[i].name_length + list->fields[i].value_length + 2;
    return bytes;
}

UrlHeaderList *url__header_list_copy_with_room(const UrlHeaderList *list, size_t fields,
                                               size_t text_bytes)
{
    size_t count = list != NULL ? list->count : 0;
    size_t bytes = list != NULL ? url_header_list_text_bytes(list) : 0;
    UrlHeaderList *copy = url__header_list_new_sized(count + fields, bytes + text_bytes);
    for (size_t i = 0; i < count; i++) {
        const UrlHeaderField *field = url_header_list_field(list, i);
        url_header_list_append_len(copy, field->name, field->name_length, field->value,
                                   field->value_length);
    }
    return copy;
}

UrlHeaderList *url__header_list_copy(const UrlHeaderList *list)
{
    return url__header_list_copy_with_room(list, 0, 0);
}

void url__header_list_append(UrlHeaderList *list, const char *name, const char *value)
{
    g_return_if_fail(list != NULL && name != NULL);
    if (value == NULL)
        value = "";
    url_header_list_append_len(list, name, strlen(name), value, strlen(value));
}

/* The index of the first field called @name (@name_length bytes) at or after @from, or
 * the count when there is none. Names are compared by length first: most differ there. */
static size_t url_header_list_find(const UrlHeaderList *list, const char *name, size_t name_length,
                                   size_t from)
{
    for (size_t i = from; i < list->count; i++) {
        const UrlHeaderField *field = url_header_list_field(list, i);
        if (field->name_length == name_length && url_same_name(field->name, name, name_length))
            return i;
    }
    return list->count;
}

size_t url__header_list_find(const UrlHeaderList *list, const char *name, size_t from)
{
    if (list == NULL || name == NULL)
        return list != NULL ? list->count : 0;
    return url_header_list_find(list, name, strlen(name), from);
}

/* Removes the fields called @name, keeping the order of the others. */
static size_t url_header_list_remove_all(UrlHeaderList *list, const char *name)
{
    size_t name_length = strlen(name);
    size_t kept = 0;
    for (size_t i = 0; i < list->count; i++) {
        UrlHeaderField *field = url_header_list_field(list, i);
        if (field->name_length == name_length && url_same_name(field->name, name, name_length))
            url_header_list_release(list, field);
        else
            list->fields[kept++] = *field;
    }
    size_t removed = list->count - kept;
    list->count = kept;
    return removed;
}

size_t url__header_list_remove(UrlHeaderList *list, const char *name)
{
    g_return_val_if_fail(name != NULL, 0);
    if (list == NULL)
        return 0; /* a request's list is made on its first header */
    return url_header_list_remove_all(list, name);
}

void url__header_list_set(UrlHeaderList *list, const char *name, const char *value)
{
    g_return_if_fail(list != NULL && name != NULL);
    /* Appending first lets @name or @value be strings of a field being replaced. */
    url__header_list_append(list, name, value);
    UrlHeaderField added = list->fields[--list->count];
    url_header_list_remove_all(list, added.name);
    list->fields[list->count++] = added;
}

const char *url__header_list_get(const UrlHeaderList *list, const char *name)
{
    if (list == NULL || name == NULL)
        return NULL;
    size_t index = url_header_list_find(list, name, strlen(name), 0);
    return index < list->count ? url_header_list_field(list, index)->value : NULL;
}

char *url__header_list_get_joined(const UrlHeaderList *list, const char *name)
{
    if (list == NULL || name == NULL)
        return NULL;
    size_t name_length = strlen(name);
    size_t first = url_header_list_find(list, name, name_length, 0);
    if (first == list->count)
        return NULL;
    size_t length = 0;
    for (size_t i = first; i < list->count;
         i = url_header_list_find(list, name, name_length, i + 1))
        length += (i > first ? 2 : 0) + url_header_list_field(list, i)->value_length;
    char *joined = g_malloc(length + 1);
    char *out = joined;
    for (size_t i = first; i < list->count;
         i = url_header_list_find(list, name, name_length, i + 1)) {
        const UrlHeaderField *field = url_header_list_field(list, i);
        if (i > first) {
            memcpy(out, ", ", 2);
            out += 2;
        }
        memcpy(out, field->value, field->value_length);
        out += field->value_length;
    }
    *out = '\0';
    return joined;
}

bool url__header_list_contains(const UrlHeaderList *list, const char *name)
{
    return url__header_list_get(list, name) != NULL;
}

size_t url__header_list_count(const UrlHeaderList *list)
{
    return list ? list->count : 0;
}

bool url__header_list_at(const UrlHeaderList *list, size_t index, const char **name,
                         const char **value)
{
    if (list == NULL || index >= list->count)
        return false;
    const UrlHeaderField *field = url_header_list_field(list, index);
    if (name != NULL)
        *name = field->name;
    if (value != NULL)
        *value = field->value;
    return true;
}

/* Replaces a bare CR or LF left inside a value, which could split it again further on,
 * with SP as RFC 9110 §5.5 lets a recipient do. */
static void url_header_blank_line_breaks(char *text, size_t length)
{
    if (memchr(text, '\r', length) == NULL && memchr(text, '\n', length) == NULL)
        return; /* the usual value */
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '\r' || text[i] == '\n')
            text[i] = ' ';
    }
}

/* Appends @length bytes of an obs-fold continuation to the last field's value, with one
 * space between when the value is not empty. */
static bool url_header_list_unfold(UrlHeaderList *list, const char *text, size_t length)
{
    if (list->count == 0)
        return false;
    if (length == 0)
        return true;
    UrlHeaderField *last = url_header_list_field(list, list->count - 1);
    size_t separator = last->value_length > 0 ? 1 : 0;
    size_t added = separator + length;
    UrlHeaderChunk *head = list->chunks;
    if (last->value + last->value_length + 1 == head->data + head->used &&
        head->size - head->used >= added) {
        head->used += added; /* the value is the newest text and has room after it */
    } else {
        UrlHeaderField old = *last;
        /* Counted in its new place before the old one is released, so that a chunk
         * holding both is not taken for empty. */
        url_header_list_store(list, last, old.name, old.name_length, old.value, old.value_length,
                              added);
        url_header_list_release(list, &old);
    }
    char *end = (char *)last->value + last->value_length;
    if (separator)
        end[0] = ' ';
    memcpy(end + separator, text, length);
    url_header_blank_line_breaks(end + separator, length);
    end[added] = '\0';
    last->value_length += added;
    return true;
}

bool url__header_list_parse_line(UrlHeaderList *list, const char *line, size_t length)
{
    g_return_val_if_fail(list != NULL, false);
    if (line == NULL || length == 0)
        return false;
    if (memchr(line, '\0', length) != NULL)
        return false;

    /* The line terminator is not part of the field. */
    if (line[length - 1] == '\n')
        length--;
    if (length > 0 && line[length - 1] == '\r')
        length--;
    if (length == 0)
        return false;

    bool folded = url_is_ows(line[0]);
    const char *value = line;
    size_t name_length = 0;
    if (!folded) {
        const char *colon = memchr(line, ':', length);
        if (colon == NULL || colon == line)
            return false;
        name_length = (size_t)(colon - line);
        /* No whitespace before the colon either (RFC 9112 §5.1): a token check covers it. */
        if (!url__header_is_token_n(line, name_length))
            return false;
        value = colon + 1;
    }
    const char *end = line + length;
    while (value < end && url_is_ows(*value))
        value++;
    while (end > value && url_is_ows(end[-1]))
        end--;
    size_t value_length = (size_t)(end - value);

    if (folded)
        return url_header_list_unfold(list, value, value_length);
    url_header_list_append_len(list, line, name_length, value, value_length);
    UrlHeaderField *added = url_header_list_field(list, list->count - 1);
    url_header_blank_line_breaks((char *)added->value, value_length);
    return true;
}
