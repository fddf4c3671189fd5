/* cookie.c — cookies as RFC 6265 defines them: Set-Cookie parsing (§5.2) with the
 * storage model's checks (§5.3), cookie dates (§5.1.1), domain and path matching. The
 * public-suffix rule (§5.3 step 5) uses libpsl's built-in list. */
#include "cookie.h"

#include <string.h>

#include <curl/curl.h>
#include <glib.h>
#include <libpsl.h>

#include "http/url.h"

/* ---- dates (§5.1.1) ------------------------------------------------------------------ */

static bool is_delimiter(char c)
{
    unsigned char u = (unsigned char)c;
    return u == 0x09 || (u >= 0x20 && u <= 0x2f) || (u >= 0x3b && u <= 0x40) ||
           (u >= 0x5b && u <= 0x60) || (u >= 0x7b && u <= 0x7e);
}

/* 1*limit DIGIT at the start of @token, then anything (or nothing when @exact). */
static bool leading_digits(const char *token, int min, int max, bool exact, int *value)
{
    int n = 0, v = 0;
    while (g_ascii_isdigit(token[n]) && n <= max) {
        v = v * 10 + (token[n] - '0');
        n++;
    }
    if (n < min || n > max || (exact && token[n] != '\0') || (!exact && g_ascii_isdigit(token[n])))
        return false;
    *value = v;
    return true;
}

static bool parse_time(const char *token, int *h, int *m, int *s)
{
    int values[3];
    const char *p = token;
    for (int i = 0; i < 3; i++) {
        if (!leading_digits(p, 1, 2, false, &values[i]))
            return false;
        while (g_ascii_isdigit(*p))
            p++;
        if (i < 2) {
            if (*p != ':')
                return false;
            p++;
        }
    }
    *h = values[0];
    *m = values[1];
    *s = values[2];
    return true;
}

bool url__cookie_parse_date(const char *text, double *seconds)
{
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    bool found_time = false, found_day = false, found_month = false, found_year = false;
    int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
    const char *p = text;
    while (*p) {
        while (*p && is_delimiter(*p))
            p++;
        const char *start = p;
        while (*p && !is_delimiter(*p))
            p++;
        if (p == start)
            continue;
        g_autofree char *token = g_strndup(start, (gsize)(p - start));
        int value;
        if (!found_time && parse_time(token, &hour, &minute, &second)) {
            found_time = true;
        } else if (!found_day && leading_digits(token, 1, 2, false, &value)) {
            found_day = true;
            day = value;
        } else if (!found_month && strlen(token) >= 3) {
            for (int i = 0; i < 12; i++)
                if (g_ascii_strncasecmp(token, months[i], 3) == 0) {
                    found_month = true;
                    month = i + 1;
                }
            if (!found_month && !found_year && leading_digits(token, 2, 4, false, &value)) {
                found_year = true;
                year = value;
            }
        } else if (!found_year && leading_digits(token, 2, 4, false, &value)) {
            found_year = true;
            year = value;
        }
    }
    if (found_year && year >= 70 && year <= 99)
        year += 1900;
    else if (found_year && year >= 0 && year <= 69)
        year += 2000;
    if (!found_time || !found_day || !found_month || !found_year || day < 1 || day > 31 ||
        year < 1601 || hour > 23 || minute > 59 || second > 59)
        return false;
    if (day > g_date_get_days_in_month((GDateMonth)month, (GDateYear)(year > 9999 ? 9999 : year)))
        return false;
    GDateTime *moment =
        g_date_time_new_utc(year > 9999 ? 9999 : year, month, day, hour, minute, second);
    if (moment == NULL)
        return false;
    *seconds = (double)g_date_time_to_unix(moment);
    g_date_time_unref(moment);
    return true;
}

/* ---- matching ------------------------------------------------------------------------ */

static bool is_ip_literal(const char *host)
{
    return g_hostname_is_ip_address(host);
}

bool url__cookie_domain_matches(const char *host, const char *domain)
{
    if (g_ascii_strcasecmp(host, domain) == 0)
        return true;
    size_t h = strlen(host), d = strlen(domain);
    return h > d && host[h - d - 1] == '.' && g_ascii_strcasecmp(host + h - d, domain) == 0 &&
           !is_ip_literal(host) && !is_ip_literal(domain);
}

bool url__cookie_path_matches(const char *request_path, const char *cookie_path)
{
    size_t n = strlen(cookie_path);
    if (strncmp(request_path, cookie_path, n) != 0)
        return false;
    return request_path[n] == '\0' || cookie_path[n - 1] == '/' || request_path[n] == '/';
}

bool url__cookie_matches(const UrlCookie *cookie, const char *host, const char *path, bool secure,
                         double now)
{
    if (cookie->expires > 0 && cookie->expires <= now)
        return false;
    if (cookie->secure && !secure)
        return false;
    bool host_ok = cookie->host_only ? g_ascii_strcasecmp(host, cookie->domain) == 0
                                     : url__cookie_domain_matches(host, cookie->domain);
    return host_ok && url__cookie_path_matches(path, cookie->path);
}

bool url__cookie_is_public_suffix(const char *domain)
{
    return psl_is_public_suffix2(psl_builtin(), domain, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

/* ---- parsing (§5.2, §5.3) -------------------------------------------------------------- */

static char *trimmed(const char *start, const char *end)
{
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return g_strndup(start, (gsize)(end - start));
}

/* §5.1.4: the directory of the request path. */
static char *default_path(const char *path)
{
    if (path == NULL || path[0] != '/')
        return g_strdup("/");
    const char *last = strrchr(path, '/');
    return last == path ? g_strdup("/") : g_strndup(path, (gsize)(last - path));
}

static bool has_control(const char *text)
{
    for (const char *p = text; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
            return true;
    return false;
}

static void cookie_free(UrlCookie *cookie)
{
    g_free(cookie->name);
    g_free(cookie->value);
    g_free(cookie->domain);
    g_free(cookie->path);
    g_free(cookie->same_site);
    g_free(cookie);
}

bool url__cookie_split_url(const char *url, char **host, char **path, bool *secure)
{
    CURLU *parsed = url__url_parse(url, 0);
    char *h = NULL, *p = NULL, *scheme = NULL;
    bool ok = parsed && curl_url_get(parsed, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
              curl_url_get(parsed, CURLUPART_PATH, &p, 0) == CURLUE_OK &&
              curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK;
    if (ok) {
        size_t n = strlen(h);
        *host =
            n > 2 && h[0] == '[' ? g_ascii_strdown(h + 1, (gssize)n - 2) : g_ascii_strdown(h, -1);
        *path = g_strdup(p);
        *secure = g_ascii_strcasecmp(scheme, "https") == 0;
    }
    curl_free(h);
    curl_free(p);
    curl_free(scheme);
    return ok;
}

UrlCookie *url__cookie_parse(const char *set_cookie, const char *url, double now)
{
    if (set_cookie == NULL || has_control(set_cookie))
        return NULL;
    g_autofree char *host = NULL, *request_path = NULL;
    bool secure_request = false;
    if (!url__cookie_split_url(url, &host, &request_path, &secure_request))
        return NULL;
    /* curl takes "http://../" and "http://.x/"; such a host can hold no cookie (found by
     * fuzz_cookie). */
    if (host[0] == '\0' || host[0] == '.')
        return NULL;
    const char *end = strchr(set_cookie, ';');
    if (end == NULL)
        end = set_cookie + strlen(set_cookie);
    const char *equals = memchr(set_cookie, '=', (size_t)(end - set_cookie));
    if (equals == NULL)
        return NULL;
    UrlCookie *cookie = g_new0(UrlCookie, 1);
    cookie->ref_count = 1;
    cookie->name = trimmed(set_cookie, equals);
    cookie->value = trimmed(equals + 1, end);
    cookie->created = now;
    if (*cookie->name == '\0') {
        cookie_free(cookie);
        return NULL;
    }
    bool have_max_age = false;
    char *domain = NULL;
    const char *p = end;
    while (*p == ';') {
        const char *start = p + 1;
        const char *stop = strchr(start, ';');
        if (stop == NULL)
            stop = start + strlen(start);
        const char *eq = memchr(start, '=', (size_t)(stop - start));
        g_autofree char *key = trimmed(start, eq ? eq : stop);
        g_autofree char *value = eq ? trimmed(eq + 1, stop) : g_strdup("");
        if (g_ascii_strcasecmp(key, "Expires") == 0) {
            double when;
            if (!have_max_age && url__cookie_parse_date(value, &when))
                cookie->expires = when > 0 ? when : 1;
        } else if (g_ascii_strcasecmp(key, "Max-Age") == 0) {
            const char *digits = value[0] == '-' ? value + 1 : value;
            bool valid = *digits != '\0';
            for (const char *d = digits; *d; d++)
                valid = valid && g_ascii_isdigit(*d);
            if (valid && (g_ascii_isdigit(value[0]) || value[0] == '-')) {
                gint64 delta = g_ascii_strtoll(value, NULL, 10);
                have_max_age = true;
                cookie->expires = delta <= 0 ? 1 : now + (double)delta;
            }
        } else if (g_ascii_strcasecmp(key, "Domain") == 0) {
            if (*value) {
                g_free(domain);
                domain = g_ascii_strdown(value[0] == '.' ? value + 1 : value, -1);
            }
        } else if (g_ascii_strcasecmp(key, "Path") == 0) {
            g_free(cookie->path);
            cookie->path = value[0] == '/' ? g_strdup(value) : NULL;
        } else if (g_ascii_strcasecmp(key, "Secure") == 0) {
            cookie->secure = true;
        } else if (g_ascii_strcasecmp(key, "HttpOnly") == 0) {
            cookie->http_only = true;
        } else if (g_ascii_strcasecmp(key, "SameSite") == 0) {
            const char *kinds[] = {"Strict", "Lax", "None"};
            for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
                if (g_ascii_strcasecmp(value, kinds[i]) == 0) {
                    g_free(cookie->same_site);
                    cookie->same_site = g_strdup(kinds[i]);
                }
        }
        p = stop;
    }
    if (cookie->path == NULL)
        cookie->path = default_path(request_path);
    if (domain && (domain[0] == '\0' || domain[0] == '.')) { /* "Domain=.." */
        g_free(domain);
        cookie_free(cookie);
        return NULL;
    }
    /* §5.3 step 5: no cookie for a public suffix, unless it is the host itself. */
    if (domain && url__cookie_is_public_suffix(domain)) {
        if (strcmp(domain, host) == 0) {
            g_clear_pointer(&domain, g_free);
        } else {
            g_free(domain);
            cookie_free(cookie);
            return NULL;
        }
    }
    if (domain) {
        if (!url__cookie_domain_matches(host, domain)) {
            g_free(domain);
            cookie_free(cookie);
            return NULL;
        }
        cookie->domain = domain;
    } else {
        cookie->host_only = true;
        cookie->domain = g_strdup(host);
    }
    /* RFC 6265bis: a Secure cookie comes only over a secure connection. */
    if (cookie->secure && !secure_request) {
        cookie_free(cookie);
        return NULL;
    }
    return cookie;
}

/* ---- the public object ------------------------------------------------------------------ */

UrlCookie *url_cookie_new(const char *name, const char *value, const char *domain, const char *path,
                          double expires, bool secure, bool http_only)
{
    g_return_val_if_fail(name != NULL && *name && value != NULL && domain != NULL, NULL);
    if (has_control(name) || has_control(value) || strpbrk(name, ";=") || strchr(value, ';'))
        return NULL;
    UrlCookie *cookie = g_new0(UrlCookie, 1);
    cookie->ref_count = 1;
    cookie->name = g_strdup(name);
    cookie->value = g_strdup(value);
    cookie->host_only = domain[0] != '.';
    cookie->domain = g_ascii_strdown(domain[0] == '.' ? domain + 1 : domain, -1);
    cookie->path = g_strdup(path && path[0] == '/' ? path : "/");
    cookie->expires = expires > 0 ? expires : 0;
    cookie->secure = secure;
    cookie->http_only = http_only;
    cookie->created = (double)g_get_real_time() / G_USEC_PER_SEC;
    return cookie;
}

UrlCookie *url_cookie_ref(UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, NULL);
    g_atomic_int_inc(&cookie->ref_count);
    return cookie;
}

void url_cookie_unref(UrlCookie *cookie)
{
    if (cookie && g_atomic_int_dec_and_test(&cookie->ref_count))
        cookie_free(cookie);
}

const char *url_cookie_get_name(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, NULL);
    return cookie->name;
}

const char *url_cookie_get_value(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, NULL);
    return cookie->value;
}

const char *url_cookie_get_domain(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, NULL);
    return cookie->domain;
}

const char *url_cookie_get_path(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, NULL);
    return cookie->path;
}

double url_cookie_get_expires_date(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, 0);
    return cookie->expires;
}

bool url_cookie_is_session_only(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, true);
    return cookie->expires == 0;
}

bool url_cookie_is_host_only(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, true);
    return cookie->host_only;
}

bool url_cookie_is_secure(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, false);
    return cookie->secure;
}

bool url_cookie_is_http_only(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, false);
    return cookie->http_only;
}

const char *url_cookie_get_same_site_policy(const UrlCookie *cookie)
{
    g_return_val_if_fail(cookie != NULL, NULL);
    return cookie->same_site;
}
