/* cache_policy.c — RFC 9111 for a private client cache: what may be stored, how long it
 * stays fresh, when it must be revalidated, which request it answers (Vary), and how a
 * 304 refreshes it. */
#include "http/cache_policy.h"

#include <string.h>

#include <glib.h>

#include "http/cookie.h"

/* Status codes cacheable by default (RFC 9110 §15.1); 206 is left out: this cache does
 * not combine ranges. */
static bool status_cacheable_by_default(int status)
{
    switch (status) {
    case 200:
    case 203:
    case 204:
    case 300:
    case 301:
    case 404:
    case 405:
    case 410:
    case 414:
    case 501:
        return true;
    default:
        return false;
    }
}

/* Delta-seconds (RFC 9111 §1.2.2): digits, capped at 2^31 as the RFC allows; -1 when
 * @text is not a number. */
static int64_t delta_seconds(const char *text)
{
    if (text == NULL || !g_ascii_isdigit(*text))
        return -1;
    int64_t value = 0;
    for (; g_ascii_isdigit(*text); text++) {
        value = value * 10 + (*text - '0');
        if (value > G_MAXINT32)
            value = G_MAXINT32;
    }
    return *text == '\0' ? value : -1;
}

void url__cache_control_parse(const char *value, UrlCacheControl *out)
{
    *out = (UrlCacheControl){.max_age = -1, .s_maxage = -1};
    if (value == NULL)
        return;
    /* Directives are split on commas outside quoted strings. */
    GString *directive = g_string_new(NULL);
    bool quoted = false;
    for (const char *p = value;; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (*p != '\0' && (quoted || *p != ',')) {
            if (*p != '"')
                g_string_append_c(directive, *p);
            continue;
        }
        char *text = g_strstrip(directive->str);
        char *equals = strchr(text, '=');
        const char *argument = NULL;
        if (equals) {
            *equals = '\0';
            g_strchomp(text);
            argument = g_strstrip(equals + 1);
        }
        if (g_ascii_strcasecmp(text, "no-store") == 0)
            out->no_store = true;
        else if (g_ascii_strcasecmp(text, "no-cache") == 0)
            out->no_cache = true;
        else if (g_ascii_strcasecmp(text, "must-revalidate") == 0 ||
                 g_ascii_strcasecmp(text, "proxy-revalidate") == 0)
            out->must_revalidate = true;
        else if (g_ascii_strcasecmp(text, "private") == 0)
            out->is_private = true;
        else if (g_ascii_strcasecmp(text, "public") == 0)
            out->is_public = true;
        else if (g_ascii_strcasecmp(text, "max-age") == 0 && out->max_age < 0)
            out->max_age = delta_seconds(argument);
        else if (g_ascii_strcasecmp(text, "s-maxage") == 0 && out->s_maxage < 0)
            out->s_maxage = delta_seconds(argument);
        g_string_truncate(directive, 0);
        if (*p == '\0')
            break;
    }
    g_string_free(directive, TRUE);
}

static void cache_control_of(const UrlHeaderList *headers, UrlCacheControl *out)
{
    char *value = url__header_list_get_joined(headers, "Cache-Control");
    url__cache_control_parse(value, out);
    g_free(value);
}

/* Whether @headers' Vary lists "*". */
static bool vary_is_star(const UrlHeaderList *headers)
{
    char *vary = url__header_list_get_joined(headers, "Vary");
    bool star = false;
    if (vary) {
        char **names = g_strsplit(vary, ",", -1);
        for (char **name = names; *name && !star; name++)
            star = strcmp(g_strstrip(*name), "*") == 0;
        g_strfreev(names);
    }
    g_free(vary);
    return star;
}

static bool date_header(const UrlHeaderList *headers, const char *name, double *seconds)
{
    const char *value = url__header_list_get(headers, name);
    return value && url__cookie_parse_date(value, seconds);
}

bool url__cache_request_bypasses(const UrlHeaderList *request_headers)
{
    static const char *const own[] = {
        "Range",   "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
        "If-Range"};
    for (size_t i = 0; i < G_N_ELEMENTS(own); i++)
        if (url__header_list_contains(request_headers, own[i]))
            return true;
    UrlCacheControl control;
    cache_control_of(request_headers, &control);
    return control.no_store;
}

bool url__cache_response_is_storable(const char *method, const UrlHeaderList *request_headers,
                                     int status, const UrlHeaderList *response_headers)
{
    if (strcmp(method, "GET") != 0 || status < 200 || status == 206 || status == 304)
        return false;
    if (url__cache_request_bypasses(request_headers) || vary_is_star(response_headers))
        return false;
    UrlCacheControl control;
    cache_control_of(response_headers, &control);
    if (control.no_store)
        return false;
    return status_cacheable_by_default(status) || control.is_public || control.max_age >= 0 ||
           url__header_list_contains(response_headers, "Expires");
}

double url__cache_freshness_lifetime(const UrlHeaderList *response_headers, double response_time)
{
    UrlCacheControl control;
    cache_control_of(response_headers, &control);
    if (control.max_age >= 0)
        return (double)control.max_age;
    const char *expires_text = url__header_list_get(response_headers, "Expires");
    if (expires_text == NULL)
        return 0;
    double expires = 0, date = response_time;
    /* An invalid Expires ("0") means already expired (§5.3). */
    if (!url__cookie_parse_date(expires_text, &expires))
        return 0;
    date_header(response_headers, "Date", &date);
    return expires > date ? expires - date : 0;
}

double url__cache_current_age(const UrlHeaderList *response_headers, double request_time,
                              double response_time, double now)
{
    double date = response_time;
    date_header(response_headers, "Date", &date);
    int64_t age = delta_seconds(url__header_list_get(response_headers, "Age"));
    double apparent_age = MAX(0.0, response_time - date);
    double response_delay = MAX(0.0, response_time - request_time);
    double corrected_age_value = (double)MAX(age, 0) + response_delay;
    double corrected_initial_age = MAX(apparent_age, corrected_age_value);
    double resident_time = MAX(0.0, now - response_time);
    return corrected_initial_age + resident_time;
}

static bool has_validator(const UrlHeaderList *headers)
{
    return url__header_list_contains(headers, "ETag") ||
           url__header_list_contains(headers, "Last-Modified");
}

UrlCacheVerdict url__cache_evaluate(const UrlHeaderList *response_headers, double request_time,
                                    double response_time, const UrlHeaderList *request_headers,
                                    double now)
{
    UrlCacheControl response_control, request_control;
    cache_control_of(response_headers, &response_control);
    cache_control_of(request_headers, &request_control);
    const char *pragma = url__header_list_get(request_headers, "Pragma");
    bool request_no_cache =
        request_control.no_cache ||
        (pragma && !url__header_list_contains(request_headers, "Cache-Control") &&
         g_ascii_strcasecmp(pragma, "no-cache") == 0);
    double age = url__cache_current_age(response_headers, request_time, response_time, now);
    double lifetime = url__cache_freshness_lifetime(response_headers, response_time);
    bool fresh = lifetime > age && !response_control.no_cache && !request_no_cache &&
                 (request_control.max_age < 0 || age <= (double)request_control.max_age);
    if (fresh)
        return URL_CACHE_FRESH;
    return has_validator(response_headers) ? URL_CACHE_REVALIDATE : URL_CACHE_UNUSABLE;
}

/* Calls @fn for every field name the Vary of @response_headers lists; stops and returns
 * false when @fn does. */
typedef bool (*VaryFunc)(const char *name, void *data);

static bool vary_each(const UrlHeaderList *response_headers, VaryFunc fn, void *data)
{
    char *vary = url__header_list_get_joined(response_headers, "Vary");
    bool ok = true;
    if (vary) {
        char **names = g_strsplit(vary, ",", -1);
        for (char **name = names; *name && ok; name++) {
            char *trimmed = g_strstrip(*name);
            if (*trimmed)
                ok = fn(trimmed, data);
        }
        g_strfreev(names);
    }
    g_free(vary);
    return ok;
}

typedef struct {
    const UrlHeaderList *request;
    UrlHeaderList *captured;
    const UrlHeaderList *stored;
} VaryContext;

static bool capture_one(const char *name, void *data)
{
    VaryContext *context = data;
    char *value = url__header_list_get_joined(context->request, name);
    if (value && !url__header_list_contains(context->captured, name)) {
        char *lower = g_ascii_strdown(name, -1);
        url__header_list_append(context->captured, lower, value);
        g_free(lower);
    }
    g_free(value);
    return true;
}

UrlHeaderList *url__cache_vary_capture(const UrlHeaderList *response_headers,
                                       const UrlHeaderList *request_headers)
{
    VaryContext context = {.request = request_headers, .captured = url__header_list_new()};
    vary_each(response_headers, capture_one, &context);
    return context.captured;
}

static bool match_one(const char *name, void *data)
{
    VaryContext *context = data;
    if (strcmp(name, "*") == 0)
        return false;
    char *value = url__header_list_get_joined(context->request, name);
    const char *stored = url__header_list_get(context->stored, name);
    bool same = (value == NULL && stored == NULL) ||
                (value != NULL && stored != NULL && strcmp(value, stored) == 0);
    g_free(value);
    return same;
}

bool url__cache_vary_matches(const UrlHeaderList *response_headers, const UrlHeaderList *stored,
                             const UrlHeaderList *request_headers)
{
    VaryContext context = {.request = request_headers, .stored = stored};
    return vary_each(response_headers, match_one, &context);
}

static bool describes_content(const char *name)
{
    static const char *const kept[] = {"Content-Length", "Content-Encoding", "Content-Type",
                                       "Content-Range", "Transfer-Encoding"};
    for (size_t i = 0; i < G_N_ELEMENTS(kept); i++)
        if (g_ascii_strcasecmp(name, kept[i]) == 0)
            return true;
    return false;
}

UrlHeaderList *url__cache_merge_not_modified(const UrlHeaderList *stored,
                                             const UrlHeaderList *fresh)
{
    UrlHeaderList *merged = url__header_list_copy(stored);
    size_t count = url__header_list_count(fresh);
    /* First drop every stored field the 304 replaces, then append its values in order,
     * so that a field repeated in the 304 keeps all of its lines. */
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(fresh, i, &name, &value);
        if (!describes_content(name))
            url__header_list_remove(merged, name);
    }
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        url__header_list_at(fresh, i, &name, &value);
        if (!describes_content(name))
            url__header_list_append(merged, name, value);
    }
    return merged;
}

char *url__cache_key(const char *url)
{
    const char *hash = strchr(url, '#');
    return hash ? g_strndup(url, (gsize)(hash - url)) : g_strdup(url);
}
