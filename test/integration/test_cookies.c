/* test_cookies.c — cookies against nginx: Set-Cookie stored and sent back, the accept
 * policies, should-set-cookies on configuration and request, ephemeral storages isolated
 * and default ones shared, cookies set on a redirect hop sent on the next hop. */
#include "fixture.h"

#include <string.h>

/* Fetches @path over HTTP on @config and returns the body (g_free()). */
static char *fetch_body(UrlSessionConfiguration *config, const char *path, UrlRequest *request)
{
    UrlSession *session = url_session_new(config, NULL, NULL, NULL);
    g_autofree char *url = path ? it_url(IT_HTTP, path) : NULL;
    ItCompletion c;
    UrlSessionTask *task = it_fetch(session, url, request, &c);
    it_assert_no_error(c.error);
    g_assert_cmpint(url_response_get_status_code(c.response), ==, 200);
    char *body = g_strndup((const char *)c.data->data, c.data->len);
    url_session_task_unref(task);
    it_completion_clear(&c);
    url_session_finish_tasks_and_invalidate(session);
    url_session_unref(session);
    return body;
}

static UrlSessionConfiguration *ephemeral(void)
{
    UrlSessionConfiguration *config = url_session_configuration_new_ephemeral();
    url_session_configuration_set_timeout_interval_for_request(config, 30);
    return config;
}

static size_t stored_count(UrlSessionConfiguration *config)
{
    size_t count = 0;
    UrlCookie **all = url_cookie_storage_copy_cookies(
        url_session_configuration_get_cookie_storage(config), NULL, &count);
    url_cookie_list_free(all, count);
    return count;
}

static void test_stored_and_sent(void)
{
    UrlSessionConfiguration *config = ephemeral();
    g_free(fetch_body(config, "/cookies/set", NULL));
    g_assert_cmpuint(stored_count(config), ==, 2);
    size_t count = 0;
    g_autofree char *echo_url = it_url(IT_HTTP, "/cookies/echo");
    UrlCookie **sent = url_cookie_storage_copy_cookies(
        url_session_configuration_get_cookie_storage(config), echo_url, &count);
    g_assert_cmpuint(count, ==, 2);
    g_assert_cmpstr(url_cookie_get_name(sent[0]), ==, "session"); /* the longer path first */
    g_assert_true(url_cookie_is_session_only(sent[0]));
    g_assert_cmpstr(url_cookie_get_path(sent[0]), ==, "/cookies");
    g_assert_cmpstr(url_cookie_get_name(sent[1]), ==, "kept");
    g_assert_false(url_cookie_is_session_only(sent[1]));
    g_assert_true(url_cookie_is_http_only(sent[1]));
    g_assert_cmpstr(url_cookie_get_same_site_policy(sent[1]), ==, "Lax");
    g_assert_cmpstr(url_cookie_get_domain(sent[1]), ==, "127.0.0.1");
    url_cookie_list_free(sent, count);
    g_autofree char *body = fetch_body(config, "/cookies/echo", NULL);
    g_assert_cmpstr(body, ==, "cookie: session=s1; kept=k1\n");
    /* Outside /cookies only the "/" cookie goes. */
    g_autofree char *other_url = it_url(IT_HTTP, "/x");
    UrlCookie **root = url_cookie_storage_copy_cookies(
        url_session_configuration_get_cookie_storage(config), other_url, &count);
    g_assert_cmpuint(count, ==, 1);
    url_cookie_list_free(root, count);
    /* A Cookie header the application sets is sent as it is. */
    UrlRequest *request = url_request_new(echo_url);
    g_assert_true(url_request_set_header(request, "Cookie", "mine=1", NULL));
    g_autofree char *own = fetch_body(config, NULL, request);
    g_assert_cmpstr(own, ==, "cookie: mine=1\n");
    url_request_unref(request);
    url_session_configuration_unref(config);
}

static void test_policy_never(void)
{
    UrlSessionConfiguration *config = ephemeral();
    url_session_configuration_set_http_cookie_accept_policy(config, URL_COOKIE_ACCEPT_NEVER);
    g_free(fetch_body(config, "/cookies/set", NULL));
    g_assert_cmpuint(stored_count(config), ==, 0);
    g_autofree char *body = fetch_body(config, "/cookies/echo", NULL);
    g_assert_cmpstr(body, ==, "cookie: \n");
    url_session_configuration_unref(config);
}

/* A main document on another site: its subresource may not set cookies for 127.0.0.1. */
static void test_policy_main_document(void)
{
    UrlSessionConfiguration *config = ephemeral();
    g_assert_cmpint(url_session_configuration_get_http_cookie_accept_policy(config), ==,
                    URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN);
    g_autofree char *set_url = it_url(IT_HTTP, "/cookies/set");
    UrlRequest *request = url_request_new(set_url);
    g_assert_true(url_request_set_main_document_url(request, "https://www.example.org/", NULL));
    g_free(fetch_body(config, NULL, request));
    g_assert_cmpuint(stored_count(config), ==, 0);
    g_autofree char *page = it_url(IT_HTTP, "/page");
    g_assert_true(url_request_set_main_document_url(request, page, NULL));
    g_free(fetch_body(config, NULL, request));
    g_assert_cmpuint(stored_count(config), ==, 2);
    url_request_unref(request);
    url_session_configuration_unref(config);
}

static void test_should_set_cookies_off(void)
{
    UrlSessionConfiguration *config = ephemeral();
    url_session_configuration_set_http_should_set_cookies(config, false);
    g_free(fetch_body(config, "/cookies/set", NULL));
    g_assert_cmpuint(stored_count(config), ==, 0);
    url_session_configuration_set_http_should_set_cookies(config, true);
    g_free(fetch_body(config, "/cookies/set", NULL));
    g_assert_cmpuint(stored_count(config), ==, 2);
    /* The request turns it off for itself: the stored cookies are not sent. */
    g_autofree char *echo_url = it_url(IT_HTTP, "/cookies/echo");
    UrlRequest *request = url_request_new(echo_url);
    url_request_set_http_should_handle_cookies(request, false);
    g_autofree char *body = fetch_body(config, NULL, request);
    g_assert_cmpstr(body, ==, "cookie: \n");
    url_request_unref(request);
    url_session_configuration_unref(config);
}

/* Ephemeral configurations have storages of their own; default ones share one. */
static void test_isolation_and_sharing(void)
{
    UrlSessionConfiguration *a = ephemeral(), *b = ephemeral();
    g_free(fetch_body(a, "/cookies/set", NULL));
    g_autofree char *in_b = fetch_body(b, "/cookies/echo", NULL);
    g_assert_cmpstr(in_b, ==, "cookie: \n");
    url_session_configuration_unref(a);
    url_session_configuration_unref(b);
    UrlSessionConfiguration *d1 = it_configuration_new(IT_HTTP);
    UrlSessionConfiguration *d2 = it_configuration_new(IT_HTTP);
    g_assert_true(url_session_configuration_get_cookie_storage(d1) == url_cookie_storage_shared());
    g_free(fetch_body(d1, "/cookies/set", NULL));
    g_autofree char *in_d2 = fetch_body(d2, "/cookies/echo", NULL);
    g_assert_cmpstr(in_d2, ==, "cookie: session=s1; kept=k1\n");
    url_session_configuration_unref(d1);
    url_session_configuration_unref(d2);
}

/* The redirect response sets a cookie; the next hop already sends it. */
static void test_cookie_across_redirect(void)
{
    UrlSessionConfiguration *config = ephemeral();
    g_autofree char *body = fetch_body(config, "/cookies/set-and-redirect", NULL);
    g_assert_cmpstr(body, ==, "cookie: hop=h1\n");
    url_session_configuration_unref(config);
}

int main(int argc, char **argv)
{
    it_init(&argc, &argv);
    it_add("/cookies/stored-and-sent", test_stored_and_sent);
    it_add("/cookies/policy-never", test_policy_never);
    it_add("/cookies/policy-main-document", test_policy_main_document);
    it_add("/cookies/should-set-cookies-off", test_should_set_cookies_off);
    it_add("/cookies/isolation-and-sharing", test_isolation_and_sharing);
    it_add("/cookies/across-redirect", test_cookie_across_redirect);
    return it_run();
}
