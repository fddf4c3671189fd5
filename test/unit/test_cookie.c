/* test_cookie.c — lib/http/cookie.c and cookie_storage.c: Set-Cookie parsing with the
 * RFC 6265 storage checks, cookie dates, matching, public suffixes, header order,
 * replacement and expiry, the accept policies, and the cookie file. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <urlsession/error.h>

#include "http/cookie.h"
#include "http/cookie_storage.h"

#define NOW 1700000000.0

static void test_dates(void)
{
    struct {
        const char *text;
        double want; /* -1: not a date */
    } cases[] = {
        {"Wed, 21 Oct 2015 07:28:00 GMT", 1445412480},
        {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777},
        {"Sun Nov  6 08:49:37 1994", 784111777},
        {"6 nov 1994 8:49:37", 784111777},
        {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
        {"31 Feb 2020 00:00:00", -1},
        {"Wed, 21 Oct 2015 25:28:00 GMT", -1},
        {"Wed, 21 Oct 1500 07:28:00 GMT", -1},
        {"yesterday", -1},
        {"", -1},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        double got = -1;
        bool ok = url__cookie_parse_date(cases[i].text, &got);
        if (cases[i].want < 0) {
            if (ok)
                g_error("\"%s\" parsed as %f", cases[i].text, got);
        } else {
            if (!ok)
                g_error("\"%s\" did not parse", cases[i].text);
            g_assert_cmpfloat(got, ==, cases[i].want);
        }
    }
}

static UrlCookie *parse(const char *set_cookie, const char *url)
{
    return url__cookie_parse(set_cookie, url, NOW);
}

static void test_parse(void)
{
    UrlCookie *c = parse(" id = a3fWa ; Expires=Wed, 21 Oct 2035 07:28:00 GMT; Secure; HttpOnly;"
                         " SameSite=strict; Path=/docs; Domain=.Example.COM",
                         "https://www.example.com/x/y");
    g_assert_nonnull(c);
    g_assert_cmpstr(url_cookie_get_name(c), ==, "id");
    g_assert_cmpstr(url_cookie_get_value(c), ==, "a3fWa");
    g_assert_cmpstr(url_cookie_get_domain(c), ==, "example.com");
    g_assert_false(url_cookie_is_host_only(c));
    g_assert_cmpstr(url_cookie_get_path(c), ==, "/docs");
    g_assert_true(url_cookie_is_secure(c));
    g_assert_true(url_cookie_is_http_only(c));
    g_assert_cmpstr(url_cookie_get_same_site_policy(c), ==, "Strict");
    g_assert_cmpfloat(url_cookie_get_expires_date(c), ==, 2076564480);
    g_assert_false(url_cookie_is_session_only(c));
    url_cookie_unref(c);

    /* Defaults: host-only, the request's directory, a session cookie; Max-Age wins. */
    c = parse("a=1; Expires=Wed, 21 Oct 2035 07:28:00 GMT; Max-Age=60",
              "http://Host.example/dir/page");
    g_assert_cmpstr(url_cookie_get_domain(c), ==, "host.example");
    g_assert_true(url_cookie_is_host_only(c));
    g_assert_cmpstr(url_cookie_get_path(c), ==, "/dir");
    g_assert_cmpfloat(url_cookie_get_expires_date(c), ==, NOW + 60);
    url_cookie_unref(c);
    c = parse("a=1; Path=relative", "http://host.example/page");
    g_assert_cmpstr(url_cookie_get_path(c), ==, "/");
    g_assert_true(url_cookie_is_session_only(c));
    url_cookie_unref(c);
    c = parse("empty=", "http://host.example/");
    g_assert_cmpstr(url_cookie_get_value(c), ==, "");
    url_cookie_unref(c);

    /* Ignored: no '=', no name, another site, a sibling, a public suffix, Secure over
     * http, control characters. */
    const char *refused[][2] = {
        {"novalue", "http://example.com/"},
        {"=v", "http://example.com/"},
        {"a=1; Domain=other.com", "http://example.com/"},
        {"a=1; Domain=www.example.com", "http://api.example.com/"},
        {"a=1; Domain=co.uk", "http://example.co.uk/"},
        {"a=1; Domain=com", "http://example.com/"},
        {"a=1; Domain=github.io", "http://me.github.io/"},
        {"a=1; Secure", "http://example.com/"},
        {"a=1\x01; Path=/", "http://example.com/"},
        {"a=1; Domain=0.0.1", "http://127.0.0.1/"},
        /* found by fuzz_cookie: hosts and domains that are only dots */
        {"a=1", "http://../x"},
        {"a=1; Domain=..", "http://x../"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        UrlCookie *bad = parse(refused[i][0], refused[i][1]);
        if (bad)
            g_error("\"%s\" from %s should be ignored", refused[i][0], refused[i][1]);
    }
    /* example.co.uk may set for itself; a public suffix equal to the host is host-only. */
    c = parse("a=1; Domain=example.co.uk", "http://www.example.co.uk/");
    g_assert_cmpstr(url_cookie_get_domain(c), ==, "example.co.uk");
    url_cookie_unref(c);
    c = parse("a=1; Domain=co.uk", "http://co.uk/");
    g_assert_true(url_cookie_is_host_only(c));
    url_cookie_unref(c);
    /* An IP host matches only itself. */
    g_assert_true(url__cookie_domain_matches("127.0.0.1", "127.0.0.1"));
    g_assert_false(url__cookie_domain_matches("1.127.0.0.1", "127.0.0.1"));
    g_assert_true(url__cookie_is_public_suffix("co.uk"));
    g_assert_false(url__cookie_is_public_suffix("example.co.uk"));
}

static void test_path_match(void)
{
    g_assert_true(url__cookie_path_matches("/docs", "/docs"));
    g_assert_true(url__cookie_path_matches("/docs/web", "/docs"));
    g_assert_true(url__cookie_path_matches("/docs/web", "/docs/"));
    g_assert_false(url__cookie_path_matches("/docsets", "/docs"));
    g_assert_false(url__cookie_path_matches("/", "/docs"));
}

static char *header(UrlCookieStorage *storage, const char *url)
{
    return url__cookie_storage_header_for(storage, url, NOW);
}

static void test_storage(void)
{
    UrlCookieStorage *s = url_cookie_storage_new();
    const char *site = "https://www.example.com/a/b/page";
    g_assert_true(
        url__cookie_storage_take(s, "root=1; Path=/", site, NULL, URL_COOKIE_ACCEPT_ALWAYS, NOW));
    g_assert_true(url__cookie_storage_take(s, "deep=2; Path=/a/b", site, NULL,
                                           URL_COOKIE_ACCEPT_ALWAYS, NOW + 1));
    g_assert_true(url__cookie_storage_take(s, "dom=3; Domain=example.com; Path=/", site, NULL,
                                           URL_COOKIE_ACCEPT_ALWAYS, NOW + 2));
    g_assert_true(url__cookie_storage_take(s, "sec=4; Secure; Path=/", site, NULL,
                                           URL_COOKIE_ACCEPT_ALWAYS, NOW + 3));
    g_autofree char *h1 = header(s, "https://www.example.com/a/b/c");
    g_assert_cmpstr(h1, ==, "deep=2; root=1; dom=3; sec=4");
    g_autofree char *h2 = header(s, "http://api.example.com/a/b");
    g_assert_cmpstr(h2, ==, "dom=3");
    g_assert_null(header(s, "http://example.org/"));
    /* Replacement keeps the place (creation time); an expired one deletes. */
    g_assert_true(url__cookie_storage_take(s, "root=new; Path=/", site, NULL,
                                           URL_COOKIE_ACCEPT_ALWAYS, NOW + 10));
    g_autofree char *h3 = header(s, "https://www.example.com/");
    g_assert_cmpstr(h3, ==, "root=new; dom=3; sec=4");
    g_assert_true(url__cookie_storage_take(s, "dom=gone; Domain=example.com; Path=/; Max-Age=0",
                                           site, NULL, URL_COOKIE_ACCEPT_ALWAYS, NOW + 11));
    g_autofree char *h4 = header(s, "https://www.example.com/");
    g_assert_cmpstr(h4, ==, "root=new; sec=4");
    /* Policies. */
    g_assert_false(
        url__cookie_storage_take(s, "never=1", site, NULL, URL_COOKIE_ACCEPT_NEVER, NOW));
    g_assert_false(url__cookie_storage_take(s, "third=1", "https://tracker.net/", site,
                                            URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN, NOW));
    g_assert_true(url__cookie_storage_take(s, "first=1", "https://static.example.com/", site,
                                           URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN, NOW));
    /* The public API. */
    size_t count = 0;
    UrlCookie **all = url_cookie_storage_copy_cookies(s, NULL, &count);
    g_assert_cmpuint(count, ==, 4); /* root, deep, sec, first */
    g_assert_null(all[count]);
    g_assert_true(url_cookie_storage_delete_cookie(s, all[0]));
    g_assert_false(url_cookie_storage_delete_cookie(s, all[0]));
    url_cookie_list_free(all, count);
    UrlCookie *added = url_cookie_new("api", "v", ".example.com", NULL, 0, false, false);
    url_cookie_storage_set_cookie(s, added);
    url_cookie_unref(added);
    UrlCookie **some = url_cookie_storage_copy_cookies(s, "http://x.example.com/", &count);
    g_assert_cmpuint(count, ==, 1);
    g_assert_cmpstr(url_cookie_get_name(some[0]), ==, "api");
    url_cookie_list_free(some, count);
    g_assert_null(url_cookie_new("bad;name", "v", "example.com", "/", 0, false, false));
    g_assert_null(url_cookie_new("n", "v\n", "example.com", "/", 0, false, false));
    url_cookie_storage_unref(s);
}

static void test_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("cookie-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "cookies", NULL);
    UrlError *error = NULL;
    UrlCookieStorage *s = url_cookie_storage_new_with_file(path, &error);
    g_assert_null(error);
    url__cookie_storage_take(s, "keep=1; Max-Age=3600; Secure; HttpOnly; SameSite=None",
                             "https://example.com/", NULL, URL_COOKIE_ACCEPT_ALWAYS,
                             (double)g_get_real_time() / G_USEC_PER_SEC);
    url__cookie_storage_take(s, "session=1", "https://example.com/", NULL, URL_COOKIE_ACCEPT_ALWAYS,
                             (double)g_get_real_time() / G_USEC_PER_SEC);
    url_cookie_storage_unref(s); /* saves */
    s = url_cookie_storage_new_with_file(path, &error);
    g_assert_null(error);
    size_t count = 0;
    UrlCookie **all = url_cookie_storage_copy_cookies(s, NULL, &count);
    g_assert_cmpuint(count, ==, 1); /* the session cookie ended with its storage */
    g_assert_cmpstr(url_cookie_get_name(all[0]), ==, "keep");
    g_assert_true(url_cookie_is_secure(all[0]));
    g_assert_true(url_cookie_is_http_only(all[0]));
    g_assert_true(url_cookie_is_host_only(all[0]));
    g_assert_cmpstr(url_cookie_get_same_site_policy(all[0]), ==, "None");
    url_cookie_list_free(all, count);
    g_assert_true(url_cookie_storage_save(s, &error));
    url_cookie_storage_unref(s);

    /* Another file, a corrupt one, an unreadable one. */
    g_assert_true(g_file_set_contents(path, "something else\n", -1, NULL));
    g_assert_null(url_cookie_storage_new_with_file(path, &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_CANNOT_DECODE_RAW_DATA);
    g_clear_pointer(&error, url_error_unref);
    g_assert_true(g_file_set_contents(path, "urlsession-cookies 1\nbroken\n", -1, NULL));
    g_assert_null(url_cookie_storage_new_with_file(path, &error));
    g_assert_nonnull(strstr(url_error_get_message(error), "line 2"));
    g_clear_pointer(&error, url_error_unref);
    g_assert_null(url_cookie_storage_new_with_file(dir, &error));
    g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_CANNOT_OPEN_FILE);
    g_clear_pointer(&error, url_error_unref);
    g_unlink(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cookie/dates", test_dates);
    g_test_add_func("/cookie/parse", test_parse);
    g_test_add_func("/cookie/path-match", test_path_match);
    g_test_add_func("/cookie/storage", test_storage);
    g_test_add_func("/cookie/file", test_file);
    return g_test_run();
}
