/* cookie_storage.c — UrlCookieStorage: cookies in memory (RFC 6265 §5.3 replacement,
 * §5.4 Cookie header order), optionally kept in a file. The file is versioned text, one
 * cookie per line with tab-separated fields, written whole to a temporary file and renamed
 * over the old one, so a crash leaves either version, never half of one. */
#include "cookie_storage.h"

#include <errno.h>
#include <string.h>

#include <curl/curl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libpsl.h>

#include "http/cookie.h"
#include "session/error.h"

#define FILE_MAGIC "urlsession-cookies 1"

struct UrlCookieStorage {
    int ref_count; /* atomic */
    GMutex lock;
    GPtrArray *cookies; /* UrlCookie, insertion order */
    char *path;         /* nullable: memory only */
};

static double now_seconds(void)
{
    return (double)g_get_real_time() / G_USEC_PER_SEC;
}

static bool same_cookie(const UrlCookie *a, const UrlCookie *b)
{
    return strcmp(a->name, b->name) == 0 && g_ascii_strcasecmp(a->domain, b->domain) == 0 &&
           strcmp(a->path, b->path) == 0;
}

/* Replaces a cookie of the same name, domain and path, keeping its creation time
 * (§5.3 step 11); an expired @cookie only removes. Takes @cookie. Lock held. */
static bool put_locked(UrlCookieStorage *storage, UrlCookie *cookie, double now)
{
    bool changed = false;
    for (guint i = 0; i < storage->cookies->len; i++) {
        UrlCookie *old = g_ptr_array_index(storage->cookies, i);
        if (same_cookie(old, cookie)) {
            cookie->created = old->created;
            g_ptr_array_remove_index(storage->cookies, i);
            changed = true;
            break;
        }
    }
    if (cookie->expires > 0 && cookie->expires <= now) {
        url_cookie_unref(cookie);
        return changed;
    }
    g_ptr_array_add(storage->cookies, cookie);
    return true;
}

static UrlCookieStorage *storage_new(void)
{
    UrlCookieStorage *storage = g_new0(UrlCookieStorage, 1);
    storage->ref_count = 1;
    g_mutex_init(&storage->lock);
    storage->cookies = g_ptr_array_new_with_free_func((GDestroyNotify)url_cookie_unref);
    return storage;
}

UrlCookieStorage *url_cookie_storage_new(void)
{
    return storage_new();
}

/* One line of the file: name, value, domain, path, expires, created, flags, same-site.
 * Cookies hold no tab or newline (control characters are refused), so tabs separate. */
static UrlCookie *cookie_from_line(const char *line)
{
    g_auto(GStrv) f = g_strsplit(line, "\t", -1);
    if (g_strv_length(f) != 8 || *f[0] == '\0' || *f[2] == '\0' || f[3][0] != '/')
        return NULL;
    UrlCookie *cookie = g_new0(UrlCookie, 1);
    cookie->ref_count = 1;
    cookie->name = g_strdup(f[0]);
    cookie->value = g_strdup(f[1]);
    cookie->domain = g_strdup(f[2]);
    cookie->path = g_strdup(f[3]);
    cookie->expires = g_ascii_strtod(f[4], NULL);
    cookie->created = g_ascii_strtod(f[5], NULL);
    cookie->host_only = strchr(f[6], 'h') != NULL;
    cookie->secure = strchr(f[6], 's') != NULL;
    cookie->http_only = strchr(f[6], 'o') != NULL;
    cookie->same_site = *f[7] ? g_strdup(f[7]) : NULL;
    return cookie;
}

UrlCookieStorage *url_cookie_storage_new_with_file(const char *path, UrlError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    char *text = NULL;
    GError *read_error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &read_error)) {
        bool missing = g_error_matches(read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
        if (!missing) {
            url__error_set(error, URL_ERROR_CANNOT_OPEN_FILE, "cannot read cookie file \"%s\": %s",
                           path, read_error->message);
            g_error_free(read_error);
            return NULL;
        }
        g_error_free(read_error);
    }
    UrlCookieStorage *storage = storage_new();
    storage->path = g_strdup(path);
    if (text == NULL)
        return storage; /* a new file, written on save */
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_free(text);
    if (lines[0] == NULL || strcmp(lines[0], FILE_MAGIC) != 0) {
        url__error_set(error, URL_ERROR_CANNOT_DECODE_RAW_DATA,
                       "\"%s\" is not a liburlsession cookie file (version 1)", path);
        url_cookie_storage_unref(storage);
        return NULL;
    }
    double now = now_seconds();
    for (char **line = lines + 1; *line; line++) {
        if (**line == '\0')
            continue;
        UrlCookie *cookie = cookie_from_line(*line);
        if (cookie == NULL) {
            url__error_set(error, URL_ERROR_CANNOT_DECODE_RAW_DATA,
                           "cookie file \"%s\": malformed line %d", path, (int)(line - lines) + 1);
            url_cookie_storage_unref(storage);
            return NULL;
        }
        put_locked(storage, cookie, now);
    }
    return storage;
}

UrlCookieStorage *url_cookie_storage_shared(void)
{
    static UrlCookieStorage *shared;
    if (g_once_init_enter(&shared))
        g_once_init_leave(&shared, storage_new());
    return shared;
}

UrlCookieStorage *url_cookie_storage_ref(UrlCookieStorage *storage)
{
    g_return_val_if_fail(storage != NULL, NULL);
    g_atomic_int_inc(&storage->ref_count);
    return storage;
}

void url_cookie_storage_unref(UrlCookieStorage *storage)
{
    if (storage == NULL || !g_atomic_int_dec_and_test(&storage->ref_count))
        return;
    if (storage->path && !url_cookie_storage_save(storage, NULL))
        g_warning("urlsession: the cookie file \"%s\" could not be written", storage->path);
    g_ptr_array_unref(storage->cookies);
    g_free(storage->path);
    g_mutex_clear(&storage->lock);
    g_free(storage);
}

bool url_cookie_storage_save(UrlCookieStorage *storage, UrlError **error)
{
    g_return_val_if_fail(storage != NULL, false);
    if (storage->path == NULL)
        return true;
    GString *text = g_string_new(FILE_MAGIC "\n");
    double now = now_seconds();
    g_mutex_lock(&storage->lock);
    for (guint i = 0; i < storage->cookies->len; i++) {
        UrlCookie *c = g_ptr_array_index(storage->cookies, i);
        if (c->expires == 0 || c->expires <= now)
            continue; /* session cookies end with the process */
        char expires[G_ASCII_DTOSTR_BUF_SIZE], created[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_printf(
            text, "%s\t%s\t%s\t%s\t%s\t%s\t%s%s%s\t%s\n", c->name, c->value, c->domain, c->path,
            g_ascii_dtostr(expires, sizeof expires, c->expires),
            g_ascii_dtostr(created, sizeof created, c->created), c->host_only ? "h" : "",
            c->secure ? "s" : "", c->http_only ? "o" : "", c->same_site ? c->same_site : "");
    }
    g_mutex_unlock(&storage->lock);
    GError *write_error = NULL;
    /* g_file_set_contents writes a temporary file in the same directory and renames it. */
    bool ok = g_file_set_contents_full(storage->path, text->str, (gssize)text->len,
                                       G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error);
    g_string_free(text, TRUE);
    if (!ok) {
        url__error_set(error, URL_ERROR_CANNOT_WRITE_TO_FILE, "cannot write cookie file \"%s\": %s",
                       storage->path, write_error->message);
        g_error_free(write_error);
    }
    return ok;
}

void url_cookie_storage_set_cookie(UrlCookieStorage *storage, UrlCookie *cookie)
{
    g_return_if_fail(storage != NULL && cookie != NULL);
    g_mutex_lock(&storage->lock);
    put_locked(storage, url_cookie_ref(cookie), now_seconds());
    g_mutex_unlock(&storage->lock);
}

bool url_cookie_storage_delete_cookie(UrlCookieStorage *storage, const UrlCookie *cookie)
{
    g_return_val_if_fail(storage != NULL && cookie != NULL, false);
    bool found = false;
    g_mutex_lock(&storage->lock);
    for (guint i = 0; i < storage->cookies->len && !found; i++) {
        if (same_cookie(g_ptr_array_index(storage->cookies, i), cookie)) {
            g_ptr_array_remove_index(storage->cookies, i);
            found = true;
        }
    }
    g_mutex_unlock(&storage->lock);
    return found;
}

/* Most specific path first, then the oldest (§5.4 step 2). */
static gint header_order(gconstpointer a, gconstpointer b)
{
    const UrlCookie *x = *(UrlCookie *const *)a, *y = *(UrlCookie *const *)b;
    size_t lx = strlen(x->path), ly = strlen(y->path);
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return x->created < y->created ? -1 : x->created > y->created;
}

/* The matching cookies, referenced, in header order; NULL @url: all of them. */
static GPtrArray *matching(UrlCookieStorage *storage, const char *url, double now)
{
    g_autofree char *host = NULL, *path = NULL;
    bool secure = false;
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)url_cookie_unref);
    if (url && !url__cookie_split_url(url, &host, &path, &secure))
        return out;
    g_mutex_lock(&storage->lock);
    for (guint i = 0; i < storage->cookies->len; i++) {
        UrlCookie *cookie = g_ptr_array_index(storage->cookies, i);
        bool live = cookie->expires == 0 || cookie->expires > now;
        if (url ? url__cookie_matches(cookie, host, path, secure, now) : live)
            g_ptr_array_add(out, url_cookie_ref(cookie));
    }
    g_mutex_unlock(&storage->lock);
    if (url)
        g_ptr_array_sort(out, header_order);
    return out;
}

UrlCookie **url_cookie_storage_copy_cookies(UrlCookieStorage *storage, const char *url,
                                            size_t *count)
{
    g_return_val_if_fail(storage != NULL && count != NULL, NULL);
    GPtrArray *found = matching(storage, url, now_seconds());
    *count = found->len;
    g_ptr_array_set_free_func(found, NULL);
    g_ptr_array_add(found, NULL);
    return (UrlCookie **)g_ptr_array_free(found, FALSE);
}

void url_cookie_list_free(UrlCookie **cookies, size_t count)
{
    if (cookies == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        url_cookie_unref(cookies[i]);
    g_free(cookies);
}

char *url__cookie_storage_header_for(UrlCookieStorage *storage, const char *url, double now)
{
    /* Asked on every hop of every task: with no cookie at all, the URL is not even split. */
    g_mutex_lock(&storage->lock);
    bool empty = storage->cookies->len == 0;
    g_mutex_unlock(&storage->lock);
    if (empty)
        return NULL;
    GPtrArray *found = matching(storage, url, now);
    GString *header = g_string_new(NULL);
    for (guint i = 0; i < found->len; i++) {
        UrlCookie *cookie = g_ptr_array_index(found, i);
        g_string_append_printf(header, "%s%s=%s", i ? "; " : "", cookie->name, cookie->value);
    }
    g_ptr_array_unref(found);
    return g_string_free(header, header->len == 0);
}

/* The registrable domain (eTLD+1) of @url's host, or the host itself. */
static char *site_of(const char *url)
{
    g_autofree char *host = NULL, *path = NULL;
    bool secure;
    if (!url__cookie_split_url(url, &host, &path, &secure))
        return NULL;
    if (g_hostname_is_ip_address(host))
        return g_steal_pointer(&host); /* an address is its own site */
    const char *site = psl_registrable_domain(psl_builtin(), host);
    return g_strdup(site ? site : host);
}

bool url__cookie_storage_take(UrlCookieStorage *storage, const char *set_cookie, const char *url,
                              const char *main_document_url, UrlCookieAcceptPolicy policy,
                              double now)
{
    if (policy == URL_COOKIE_ACCEPT_NEVER)
        return false;
    UrlCookie *cookie = url__cookie_parse(set_cookie, url, now);
    if (cookie == NULL)
        return false;
    if (policy == URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN && main_document_url) {
        g_autofree char *site = site_of(main_document_url);
        if (site == NULL || !url__cookie_domain_matches(cookie->domain, site)) {
            url_cookie_unref(cookie);
            return false;
        }
    }
    g_mutex_lock(&storage->lock);
    bool changed = put_locked(storage, cookie, now);
    g_mutex_unlock(&storage->lock);
    return changed;
}
