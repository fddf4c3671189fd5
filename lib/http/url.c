/* url.c — URL checks, redirect resolution and origin comparison on libcurl's CURLU API. */
#include "url.h"

#include <stdarg.h>
#include <string.h>

#include <curl/curl.h>
#include <glib.h>

#include "session/error.h"

/* Sets *@error (the first error wins) to "<what> "<url>": <detail>", with @url as the
 * failing URL. The URL is redacted in the message too: it may carry a password. */
static void url_fail(UrlError **error, UrlErrorCode code, const char *what, const char *url,
                     const char *detail_format, ...) G_GNUC_PRINTF(5, 6);

static void url_fail(UrlError **error, UrlErrorCode code, const char *what, const char *url,
                     const char *detail_format, ...)
{
    if (error == NULL || *error != NULL)
        return;
    va_list args;
    va_start(args, detail_format);
    char *detail = g_strdup_vprintf(detail_format, args);
    va_end(args);
    char *redacted = url__url_redact(url);
    char *quoted = url__error_quote(redacted);
    *error = url__error_newf(code, url, "%s %s: %s", what, quoted, detail);
    g_free(quoted);
    g_free(redacted);
    g_free(detail);
}

/* The scheme of @url as RFC 3986 spells it (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"),
 * lower-cased, or NULL. Used when curl refuses a URL, to tell "not http" from "broken". */
static char *url_lexical_scheme(const char *url)
{
    if (!g_ascii_isalpha(url[0]))
        return NULL;
    size_t i = 1;
    while (g_ascii_isalnum(url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.')
        i++;
    if (url[i] != ':')
        return NULL;
    return g_ascii_strdown(url, (gssize)i);
}

static bool url_scheme_is_http(const char *scheme)
{
    return g_ascii_strcasecmp(scheme, "http") == 0 || g_ascii_strcasecmp(scheme, "https") == 0;
}

/* curl accepts some of these in places, but on the wire they would split or end the
 * request line, so they are refused before curl sees the URL. */
static bool url_check_characters(const char *url, const char *what, bool allow_space,
                                 UrlError **error)
{
    for (const char *p = url; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c == ' ' && !allow_space) || c < 0x20 || c == 0x7f) {
            url_fail(error, URL_ERROR_BAD_URL, what, url, "contains %s",
                     c == ' '                 ? "a space"
                     : c == '\r' || c == '\n' ? "CR or LF"
                                              : "a control character");
            return false;
        }
    }
    return true;
}

/* Checks the scheme and host of a URL curl accepted and returns its normalised text. */
static char *url_finish(CURLU *handle, const char *original, UrlError **error)
{
    char *scheme = NULL;
    char *host = NULL;
    char *result = NULL;

    if (curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        !url_scheme_is_http(scheme)) {
        url_fail(error, URL_ERROR_UNSUPPORTED_URL, "unsupported URL", original,
                 "only http and https are supported");
        goto out;
    }
    if (curl_url_get(handle, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0') {
        url_fail(error, URL_ERROR_BAD_URL, "bad URL", original, "no host");
        goto out;
    }
    char *text = NULL;
    CURLUcode rc = curl_url_get(handle, CURLUPART_URL, &text, 0);
    if (rc != CURLUE_OK) {
        url_fail(error, URL_ERROR_BAD_URL, "bad URL", original, "%s", curl_url_strerror(rc));
        goto out;
    }
    /* curl percent-decodes the host ("%7F" becomes DEL): check what it made, not only
     * what it was given. */
    if (url_check_characters(host, "bad URL", false, NULL) &&
        url_check_characters(text, "bad URL", false, NULL)) {
        /* Callers g_free() the result; curl's allocator is not guaranteed to be GLib's. */
        result = g_strdup(text);
    } else {
        url_fail(error, URL_ERROR_BAD_URL, "bad URL", original,
                 "the host contains a space or a control character once decoded");
    }
    curl_free(text);
out:
    curl_free(scheme);
    curl_free(host);
    return result;
}

static void url_report_curl_failure(const char *url, CURLUcode rc, UrlError **error)
{
    char *scheme = url_lexical_scheme(url);
    if (scheme != NULL && !url_scheme_is_http(scheme))
        url_fail(error, URL_ERROR_UNSUPPORTED_URL, "unsupported URL", url,
                 "only http and https are supported");
    else
        url_fail(error, URL_ERROR_BAD_URL, "bad URL", url, "%s", curl_url_strerror(rc));
    g_free(scheme);
}

/* The last URL each thread parsed, per flag set. A task's hop asks for the parts of the
 * same URL several times (path, proxy, resolve, cookies, auth) and an application often
 * asks for the same URL again; curl_url_set() costs thousands of instructions, a
 * comparison a few dozen. */
typedef struct {
    char *url;
    CURLU *handle;
    CURLUcode code;
    char *normalized; /* url__url_normalize's answer, once computed */
} ParseSlot;

typedef struct {
    ParseSlot slots[2]; /* flags 0, CURLU_NON_SUPPORT_SCHEME */
} ParseCache;

static void parse_slot_clear(ParseSlot *slot)
{
    g_free(slot->url);
    curl_url_cleanup(slot->handle);
    g_free(slot->normalized);
    memset(slot, 0, sizeof *slot);
}

static void parse_cache_free(gpointer data)
{
    ParseCache *cache = data;
    for (size_t i = 0; i < G_N_ELEMENTS(cache->slots); i++)
        parse_slot_clear(&cache->slots[i]);
    g_free(cache);
}

static GPrivate parse_cache_key = G_PRIVATE_INIT(parse_cache_free);

static ParseSlot *parse_slot(const char *url, unsigned flags)
{
    ParseCache *cache = g_private_get(&parse_cache_key);
    if (cache == NULL) {
        cache = g_new0(ParseCache, 1);
        g_private_set(&parse_cache_key, cache);
    }
    ParseSlot *slot = &cache->slots[flags == 0 ? 0 : 1];
    if (slot->url && strcmp(slot->url, url) == 0)
        return slot;
    parse_slot_clear(slot);
    /* A fresh handle each time: curl_url_set on a used one would resolve a relative
     * reference against the previous URL. */
    slot->handle = curl_url();
    slot->code =
        slot->handle ? curl_url_set(slot->handle, CURLUPART_URL, url, flags) : CURLUE_OUT_OF_MEMORY;
    slot->url = g_strdup(url);
    return slot;
}

CURLU *url__url_parse(const char *url, unsigned flags)
{
    g_return_val_if_fail(flags == 0 || flags == CURLU_NON_SUPPORT_SCHEME, NULL);
    if (url == NULL)
        return NULL;
    ParseSlot *slot = parse_slot(url, flags);
    return slot->code == CURLUE_OK ? slot->handle : NULL;
}

/* url_finish, repeated until the text stays the same. One pass is not always a fixed
 * point: curl decodes a host's percent-escapes after its IPv4 number check, so
 * "http://%31/" comes out as "http://1/", which the next parse turns into
 * "http://0.0.0.1/" (found by fuzz_url). Normalising a normal URL must never change it.
 * Usual URLs come out as they went in and cost no second parse. */
static char *url_finish_stable(CURLU *handle, const char *url, UrlError **error)
{
    char *result = url_finish(handle, url, error);
    for (int round = 0; result && strcmp(result, url) != 0 && round < 3; round++) {
        CURLU *again = curl_url();
        if (again == NULL ||
            curl_url_set(again, CURLUPART_URL, result, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
            curl_url_cleanup(again);
            break;
        }
        char *next = url_finish(again, result, NULL);
        curl_url_cleanup(again);
        if (next == NULL || strcmp(next, result) == 0) {
            g_free(next);
            break;
        }
        g_free(result);
        result = next;
    }
    return result;
}

char *url__url_normalize(const char *url, UrlError **error)
{
    if (url == NULL) {
        url__error_set(error, URL_ERROR_BAD_URL, "bad URL: none given");
        return NULL;
    }
    if (!url_check_characters(url, "bad URL", false, error))
        return NULL;

    ParseSlot *slot = parse_slot(url, CURLU_NON_SUPPORT_SCHEME);
    if (slot->normalized)
        return g_strdup(slot->normalized);
    if (slot->code == CURLUE_OUT_OF_MEMORY) {
        url__error_set(error, URL_ERROR_UNKNOWN, "out of memory parsing a URL");
        return NULL;
    }
    if (slot->code != CURLUE_OK) {
        url_report_curl_failure(url, slot->code, error);
        return NULL;
    }
    char *result = url_finish_stable(slot->handle, url, error);
    if (result)
        slot->normalized = g_strdup(result);
    return result;
}

/* The base without its fragment, with @fragment (which starts with '#') appended, or no
 * fragment at all. curl 7.88 resolves "" and "#f" against the base's directory instead
 * of the base itself, which RFC 3986 §5.2.2 does not allow. */
static char *url_with_fragment(const char *base, const char *fragment)
{
    size_t keep = strcspn(base, "#");
    return g_strdup_printf("%.*s%s", (int)keep, base, fragment);
}

char *url__url_resolve(const char *base, const char *location, UrlError **error)
{
    if (base == NULL || location == NULL) {
        url__error_set(error, URL_ERROR_BAD_URL, "bad redirect: %s missing",
                       base == NULL ? "base URL" : "location");
        return NULL;
    }
    char *normal_base = url__url_normalize(base, error);
    if (normal_base == NULL)
        return NULL;

    char *result = NULL;
    GString *escaped = NULL;
    if (!url_check_characters(location, "bad redirect location", true, error))
        goto out;
    /* Servers do send Location values with raw spaces; browsers and curl percent-encode
     * them, so such a redirect works here too. */
    escaped = g_string_sized_new(strlen(location));
    for (const char *p = location; *p != '\0'; p++) {
        if (*p == ' ')
            g_string_append(escaped, "%20");
        else
            g_string_append_c(escaped, *p);
    }

    if (escaped->str[0] == '\0' || escaped->str[0] == '#') {
        char *joined = url_with_fragment(normal_base, escaped->str);
        result = url__url_normalize(joined, error);
        g_free(joined);
        goto out;
    }

    CURLU *handle = curl_url();
    if (handle == NULL) {
        url__error_set(error, URL_ERROR_UNKNOWN, "out of memory parsing a URL");
        goto out;
    }
    CURLUcode rc = curl_url_set(handle, CURLUPART_URL, normal_base, CURLU_NON_SUPPORT_SCHEME);
    if (rc == CURLUE_OK)
        rc = curl_url_set(handle, CURLUPART_URL, escaped->str, CURLU_NON_SUPPORT_SCHEME);
    if (rc != CURLUE_OK)
        url_report_curl_failure(escaped->str, rc, error);
    else
        result = url_finish_stable(handle, escaped->str, error);
    curl_url_cleanup(handle);
out:
    if (escaped != NULL)
        g_string_free(escaped, TRUE);
    g_free(normal_base);
    return result;
}

char *url__url_redact(const char *url)
{
    if (url == NULL)
        return NULL;

    /* Done on the text rather than through curl so that it also works on URLs curl
     * refuses (those end up in error messages too) and keeps the rest as written. The
     * authority runs from after "scheme://" (or the start, without a scheme) to the next
     * '/', '?' or '#'; RFC 3986 puts userinfo before its last '@'. */
    const char *authority = url;
    char *scheme = url_lexical_scheme(url);
    if (scheme != NULL) {
        authority = url + strlen(scheme) + 1;
        g_free(scheme);
        if (authority[0] != '/' || authority[1] != '/')
            return g_strdup(url);
        authority += 2;
    }
    size_t authority_length = strcspn(authority, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < authority_length; i++) {
        if (authority[i] == '@')
            at = authority + i;
    }
    if (at == NULL)
        return g_strdup(url);
    return g_strdup_printf("%.*s%s", (int)(authority - url), url, at + 1);
}

typedef struct {
    char *scheme;
    char *host;
    char *port;
} UrlOrigin;

static bool url_origin_parse(const char *url, UrlOrigin *origin)
{
    memset(origin, 0, sizeof *origin);
    CURLU *handle = url__url_parse(url, CURLU_NON_SUPPORT_SCHEME);
    return handle && curl_url_get(handle, CURLUPART_SCHEME, &origin->scheme, 0) == CURLUE_OK &&
           curl_url_get(handle, CURLUPART_HOST, &origin->host, 0) == CURLUE_OK &&
           curl_url_get(handle, CURLUPART_PORT, &origin->port, CURLU_DEFAULT_PORT) == CURLUE_OK;
}

static void url_origin_clear(UrlOrigin *origin)
{
    curl_free(origin->scheme);
    curl_free(origin->host);
    curl_free(origin->port);
}

bool url__url_same_origin(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return false;
    UrlOrigin origin_a, origin_b;
    bool parsed_a = url_origin_parse(a, &origin_a);
    bool parsed_b = url_origin_parse(b, &origin_b);
    /* Host names compare without case (RFC 3986 §3.2.2); curl keeps them as written. */
    bool same = parsed_a && parsed_b && g_ascii_strcasecmp(origin_a.scheme, origin_b.scheme) == 0 &&
                g_ascii_strcasecmp(origin_a.host, origin_b.host) == 0 &&
                strcmp(origin_a.port, origin_b.port) == 0;
    url_origin_clear(&origin_a);
    url_origin_clear(&origin_b);
    return same;
}

bool url__url_is_https(const char *url)
{
    if (url == NULL)
        return false;
    char *scheme = url_lexical_scheme(url);
    bool https = scheme != NULL && strcmp(scheme, "https") == 0;
    g_free(scheme);
    return https;
}

char *url__url_last_path_segment(const char *url)
{
    if (url == NULL)
        return NULL;
    CURLU *handle = url__url_parse(url, CURLU_NON_SUPPORT_SCHEME);
    char *path = NULL;
    char *segment = NULL;
    if (handle == NULL || curl_url_get(handle, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        goto out;

    /* Split before decoding, so that an encoded "%2F" stays inside its segment. */
    size_t end = strlen(path);
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (start == end)
        goto out;
    char *raw = g_strndup(path + start, end - start);
    segment = g_uri_unescape_string(raw, NULL);
    /* Undecodable ("%00", "%zz"): the raw text is still a usable name. */
    if (segment == NULL)
        segment = g_steal_pointer(&raw);
    g_free(raw);
out:
    curl_free(path);
    return segment;
}
