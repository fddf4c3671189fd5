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

typedef struct {
    char *name;
    char *value;
} UrlHeaderField;

struct UrlHeaderList {
    GArray *fields; /* of UrlHeaderField */
};

static void url_header_field_clear(void *data)
{
    UrlHeaderField *field = data;
    g_free(field->name);
    g_free(field->value);
}

static bool url_is_tchar(unsigned char c)
{
    /* RFC 9110 §5.6.2 tchar */
    return g_ascii_isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool url_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static UrlHeaderField *url_header_list_field(const UrlHeaderList *list, size_t index)
{
    return &g_array_index(list->fields, UrlHeaderField, index);
}

bool url__header_is_token(const char *text)
{
    if (text == NULL || text[0] == '\0')
        return false;
    for (const char *p = text; *p != '\0'; p++) {
        if (!url_is_tchar((unsigned char)*p))
            return false;
    }
    return true;
}

UrlHeaderList *url__header_list_new(void)
{
    UrlHeaderList *list = g_new0(UrlHeaderList, 1);
    list->fields = g_array_new(FALSE, FALSE, sizeof(UrlHeaderField));
    g_array_set_clear_func(list->fields, url_header_field_clear);
    return list;
}

UrlHeaderList *url__header_list_copy(const UrlHeaderList *list)
{
    UrlHeaderList *copy = url__header_list_new();
    if (list == NULL)
        return copy;
    for (size_t i = 0; i < list->fields->len; i++) {
        const UrlHeaderField *field = url_header_list_field(list, i);
        url__header_list_append(copy, field->name, field->value);
    }
    return copy;
}

void url__header_list_free(UrlHeaderList *list)
{
    if (list == NULL)
        return;
    g_array_free(list->fields, TRUE);
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

static void url_header_list_append_len(UrlHeaderList *list, const char *name, size_t name_length,
                                       const char *value, size_t value_length)
{
    UrlHeaderField field = {
        .name = g_strndup(name, name_length),
        .value = g_strndup(value, value_length),
    };
    g_array_append_val(list->fields, field);
}

void url__header_list_append(UrlHeaderList *list, const char *name, const char *value)
{
    g_return_if_fail(list != NULL && name != NULL);
    if (value == NULL)
        value = "";
    url_header_list_append_len(list, name, strlen(name), value, strlen(value));
}

size_t url__header_list_remove(UrlHeaderList *list, const char *name)
{
    g_return_val_if_fail(list != NULL && name != NULL, 0);
    size_t removed = 0;
    for (size_t i = list->fields->len; i > 0; i--) {
        if (g_ascii_strcasecmp(url_header_list_field(list, i - 1)->name, name) == 0) {
            g_array_remove_index(list->fields, (guint)(i - 1));
            removed++;
        }
    }
    return removed;
}

void url__header_list_set(UrlHeaderList *list, const char *name, const char *value)
{
    g_return_if_fail(list != NULL && name != NULL);
    url__header_list_remove(list, name);
    url__header_list_append(list, name, value);
}

const char *url__header_list_get(const UrlHeaderList *list, const char *name)
{
    if (list == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < list->fields->len; i++) {
        const UrlHeaderField *field = url_header_list_field(list, i);
        if (g_ascii_strcasecmp(field->name, name) == 0)
            return field->value;
    }
    return NULL;
}

char *url__header_list_get_joined(const UrlHeaderList *list, const char *name)
{
    if (list == NULL || name == NULL)
        return NULL;
    GString *joined = NULL;
    for (size_t i = 0; i < list->fields->len; i++) {
        const UrlHeaderField *field = url_header_list_field(list, i);
        if (g_ascii_strcasecmp(field->name, name) != 0)
            continue;
        if (joined == NULL) {
            joined = g_string_new(field->value);
        } else {
            g_string_append(joined, ", ");
            g_string_append(joined, field->value);
        }
    }
    return joined ? g_string_free(joined, FALSE) : NULL;
}

bool url__header_list_contains(const UrlHeaderList *list, const char *name)
{
    return url__header_list_get(list, name) != NULL;
}

size_t url__header_list_count(const UrlHeaderList *list)
{
    return list ? list->fields->len : 0;
}

bool url__header_list_at(const UrlHeaderList *list, size_t index, const char **name,
                         const char **value)
{
    if (list == NULL || index >= list->fields->len)
        return false;
    const UrlHeaderField *field = url_header_list_field(list, index);
    if (name != NULL)
        *name = field->name;
    if (value != NULL)
        *value = field->value;
    return true;
}

/* Appends @length bytes of an obs-fold continuation to the last field's value. */
static bool url_header_list_unfold(UrlHeaderList *list, const char *text, size_t length)
{
    if (list->fields->len == 0)
        return false;
    UrlHeaderField *last = url_header_list_field(list, list->fields->len - 1);
    if (length == 0)
        return true;
    char *unfolded = last->value[0] != '\0'
                         ? g_strdup_printf("%s %.*s", last->value, (int)length, text)
                         : g_strndup(text, length);
    g_free(last->value);
    last->value = unfolded;
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
        for (size_t i = 0; i < name_length; i++) {
            if (!url_is_tchar((unsigned char)line[i]))
                return false;
        }
        value = colon + 1;
    }
    const char *end = line + length;
    while (value < end && url_is_ows(*value))
        value++;
    while (end > value && url_is_ows(end[-1]))
        end--;
    size_t value_length = (size_t)(end - value);

    if (!folded && memchr(value, '\r', value_length) == NULL &&
        memchr(value, '\n', value_length) == NULL) {
        url_header_list_append_len(list, line, name_length, value, value_length);
        return true; /* the usual line: nothing to clean, no copy to make */
    }
    /* A bare CR or LF left inside a value could split it again further on; RFC 9110 §5.5
     * lets a recipient replace it with SP. */
    char *clean = g_strndup(value, value_length);
    for (char *p = clean; *p != '\0'; p++) {
        if (*p == '\r' || *p == '\n')
            *p = ' ';
    }
    bool ok = true;
    if (folded)
        ok = url_header_list_unfold(list, clean, value_length);
    else
        url_header_list_append_len(list, line, name_length, clean, value_length);
    g_free(clean);
    return ok;
}
