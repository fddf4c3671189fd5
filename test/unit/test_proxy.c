/* test_proxy.c — lib/http/proxy.c: proxy settings, the no-proxy list, and the choice of
 * a request's proxy from the configuration and the environment. */
#include <string.h>

#include <glib.h>

#include "http/proxy.h"

static void test_normalize(void)
{
    struct {
        const char *in;
        UrlProxyRole role;
        const char *out;
    } cases[] = {
        {"127.0.0.1:3128", URL__PROXY_FOR_HTTP, "http://127.0.0.1:3128"},
        {"proxy.example:8080", URL__PROXY_FOR_HTTPS, "http://proxy.example:8080"},
        {"127.0.0.1:1080", URL__PROXY_SOCKS, "socks5h://127.0.0.1:1080"},
        {"socks5://[::1]:1080", URL__PROXY_SOCKS, "socks5://[::1]:1080"},
        {"https://user:pw@proxy.example:443", URL__PROXY_FOR_HTTP,
         "https://user:pw@proxy.example:443"},
        {"http://proxy.example/", URL__PROXY_FOR_HTTP, "http://proxy.example/"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        UrlError *error = NULL;
        char *out = url__proxy_normalize(cases[i].in, cases[i].role, &error);
        g_assert_null(error);
        g_assert_cmpstr(out, ==, cases[i].out);
        g_free(out);
    }
}

static void test_normalize_refuses(void)
{
    struct {
        const char *in, *message_part;
    } cases[] = {
        {"ftp://proxy.example:21", "is not http, https, socks5 or socks5h"},
        {"proxy example:80", "space or a control character"},
        {"http://proxy.example:99999", "Port number"},
        {"http://proxy.example:80/path", "a proxy has no path"},
        {"http://:80", "proxy \"http://:80\""},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        UrlError *error = NULL;
        char *out = url__proxy_normalize(cases[i].in, URL__PROXY_FOR_HTTP, &error);
        g_assert_null(out);
        g_assert_nonnull(error);
        g_assert_cmpint(url_error_get_code(error), ==, URL_ERROR_BAD_URL);
        if (!strstr(url_error_get_message(error), cases[i].message_part))
            g_error("%s: message \"%s\" lacks \"%s\"", cases[i].in, url_error_get_message(error),
                    cases[i].message_part);
        url_error_unref(error);
    }
}

static void test_bypass(void)
{
    const char *list = "example.com, .internal.test 10.0.0.0/8,192.168.1.7 fd00::/8,[::1]";
    struct {
        const char *host;
        bool bypass;
    } cases[] = {
        {"example.com", true},
        {"www.example.com", true},
        {"EXAMPLE.COM.", true},
        {"badexample.com", false},
        {"example.org", false},
        {"internal.test", true},
        {"a.b.internal.test", true},
        {"10.1.2.3", true},
        {"11.1.2.3", false},
        {"192.168.1.7", true},
        {"192.168.1.8", false},
        {"[fd12::1]", true},
        {"fe80::1", false},
        {"::1", true},
        {"[::1]", true},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        if (url__proxy_bypass(list, cases[i].host) != cases[i].bypass)
            g_error("%s: expected bypass=%d", cases[i].host, cases[i].bypass);
    g_assert_true(url__proxy_bypass("*", "anything.example"));
    g_assert_false(url__proxy_bypass(NULL, "example.com"));
    g_assert_false(url__proxy_bypass("", "example.com"));
    g_assert_false(url__proxy_bypass("10.0.0.0/33", "10.0.0.1"));
    g_assert_true(url__proxy_bypass("10.0.0.0/7", "11.255.0.1"));
}

static void clear_environment(void)
{
    const char *names[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                           "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        g_unsetenv(names[i]);
}

static void test_configured_choice(void)
{
    clear_environment();
    g_setenv("http_proxy", "env.example:1", TRUE);
    UrlProxySettings settings = {
        .http = "http://h.example:3128",
        .https = "http://s.example:3128",
        .socks = "socks5h://socks.example:1080",
        .use_environment = true,
    };
    char *proxy = url__proxy_for_url(&settings, "http://www.example/");
    g_assert_cmpstr(proxy, ==, "http://h.example:3128");
    g_free(proxy);
    proxy = url__proxy_for_url(&settings, "https://www.example/");
    g_assert_cmpstr(proxy, ==, "http://s.example:3128");
    g_free(proxy);
    settings.https = NULL;
    proxy = url__proxy_for_url(&settings, "https://www.example/");
    g_assert_cmpstr(proxy, ==, "socks5h://socks.example:1080");
    g_free(proxy);
    settings.no_proxy = "www.example";
    g_assert_null(url__proxy_for_url(&settings, "https://www.example/"));
    g_assert_null(url__proxy_for_url(&settings, "http://www.example:8080/x"));
    proxy = url__proxy_for_url(&settings, "http://other.example/");
    g_assert_cmpstr(proxy, ==, "http://h.example:3128");
    g_free(proxy);
    clear_environment();
}

static void test_environment_choice(void)
{
    clear_environment();
    UrlProxySettings settings = {.use_environment = true};
    g_assert_null(url__proxy_for_url(&settings, "http://www.example/"));
    g_setenv("HTTP_PROXY", "upper.example:1", TRUE); /* never read (httpoxy) */
    g_assert_null(url__proxy_for_url(&settings, "http://www.example/"));
    g_setenv("http_proxy", "lower.example:2", TRUE);
    g_setenv("HTTPS_PROXY", "secure.example:3", TRUE);
    g_setenv("ALL_PROXY", "socks5://all.example:4", TRUE);
    char *proxy = url__proxy_for_url(&settings, "http://www.example/");
    g_assert_cmpstr(proxy, ==, "http://lower.example:2");
    g_free(proxy);
    proxy = url__proxy_for_url(&settings, "https://www.example/");
    g_assert_cmpstr(proxy, ==, "http://secure.example:3");
    g_free(proxy);
    g_setenv("https_proxy", "lower-secure.example:5", TRUE);
    proxy = url__proxy_for_url(&settings, "https://www.example/");
    g_assert_cmpstr(proxy, ==, "http://lower-secure.example:5");
    g_free(proxy);
    g_unsetenv("http_proxy");
    proxy = url__proxy_for_url(&settings, "http://www.example/");
    g_assert_cmpstr(proxy, ==, "socks5://all.example:4");
    g_free(proxy);
    g_setenv("NO_PROXY", ".example", TRUE);
    g_assert_null(url__proxy_for_url(&settings, "http://www.example/"));
    /* The configuration's list replaces the environment's. */
    settings.no_proxy = "elsewhere.test";
    proxy = url__proxy_for_url(&settings, "http://www.example/");
    g_assert_cmpstr(proxy, ==, "socks5://all.example:4");
    g_free(proxy);
    settings.use_environment = false;
    g_assert_null(url__proxy_for_url(&settings, "http://www.example/"));
    /* A malformed variable means no proxy. */
    settings.use_environment = true;
    settings.no_proxy = NULL;
    g_unsetenv("NO_PROXY");
    g_unsetenv("ALL_PROXY");
    g_setenv("http_proxy", "ftp://nope.example", TRUE);
    g_assert_null(url__proxy_for_url(&settings, "http://www.example/"));
    clear_environment();
}

/* A session's snapshot of the environment: later changes do not reach it. */
static void test_environment_snapshot(void)
{
    clear_environment();
    g_setenv("http_proxy", "then.example:1", TRUE);
    g_setenv("NO_PROXY", "direct.example", TRUE);
    UrlProxyEnvironment snapshot;
    url__proxy_environment_read(&snapshot);
    g_setenv("http_proxy", "now.example:2", TRUE);
    g_unsetenv("NO_PROXY");
    UrlProxySettings settings = {.use_environment = true, .environment = &snapshot};
    char *proxy = url__proxy_for_url(&settings, "http://www.example/");
    g_assert_cmpstr(proxy, ==, "http://then.example:1");
    g_free(proxy);
    g_assert_null(url__proxy_for_url(&settings, "http://direct.example/"));
    g_assert_null(url__proxy_for_url(&settings, "https://www.example/"));
    url__proxy_environment_clear(&snapshot);
    g_assert_null(snapshot.http);
    /* An empty snapshot: no proxy, whatever the environment says now. */
    g_assert_null(url__proxy_for_url(&settings, "http://www.example/"));
    clear_environment();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/proxy/normalize", test_normalize);
    g_test_add_func("/proxy/normalize-refuses", test_normalize_refuses);
    g_test_add_func("/proxy/bypass", test_bypass);
    g_test_add_func("/proxy/configured", test_configured_choice);
    g_test_add_func("/proxy/environment", test_environment_choice);
    g_test_add_func("/proxy/environment-snapshot", test_environment_snapshot);
    return g_test_run();
}
