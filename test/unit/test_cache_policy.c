/* test_cache_policy.c — lib/http/cache_policy.c: Cache-Control parsing, what may be
 * stored, freshness lifetime and age (RFC 9111 §4.2), the protocol policy's verdict, Vary
 * capture and matching, the 304 header update, the cache key. */
#include <glib.h>

#include "http/cache_policy.h"

#define NOW 1700000000.0
/* NOW as an HTTP-date. */
#define NOW_DATE "Tue, 14 Nov 2023 22:13:20 GMT"

static UrlHeaderList *headers(const char *const *pairs)
{
    UrlHeaderList *list = url__header_list_new();
    for (; pairs && pairs[0]; pairs += 2)
        url__header_list_append(list, pairs[0], pairs[1]);
    return list;
}

static void test_cache_control(void)
{
    UrlCacheControl c;
    url__cache_control_parse("max-age=60, no-cache=\"Set-Cookie, X\", Private, s-maxage=5", &c);
    g_assert_cmpint(c.max_age, ==, 60);
    g_assert_cmpint(c.s_maxage, ==, 5);
    g_assert_true(c.no_cache);
    g_assert_true(c.is_private);
    g_assert_false(c.no_store);
    g_assert_false(c.is_public);
    url__cache_control_parse(" NO-STORE ,must-revalidate,public,max-age=abc", &c);
    g_assert_true(c.no_store);
    g_assert_true(c.must_revalidate);
    g_assert_true(c.is_public);
    g_assert_cmpint(c.max_age, ==, -1); /* not a number */
    url__cache_control_parse("max-age=\"30\", max-age=99999999999", &c);
    g_assert_cmpint(c.max_age, ==, 30); /* the quoted form is accepted; the first one wins */
    url__cache_control_parse(NULL, &c);
    g_assert_cmpint(c.max_age, ==, -1);
    g_assert_false(c.no_cache);
}

static void test_storable(void)
{
    UrlHeaderList *plain = headers(NULL);
    const char *const no_store[] = {"Cache-Control", "no-store", NULL};
    const char *const max_age[] = {"Cache-Control", "max-age=10", NULL};
    const char *const vary_star[] = {"Vary", "Accept, *", NULL};
    const char *const range[] = {"Range", "bytes=0-1", NULL};
    const char *const authorization[] = {"Authorization", "Basic eDp5", NULL};
    UrlHeaderList *h_no_store = headers(no_store), *h_max_age = headers(max_age),
                  *h_vary_star = headers(vary_star), *h_range = headers(range),
                  *h_auth = headers(authorization);
    /* Cacheable by default, with or without freshness information. */
    int by_default[] = {200, 203, 204, 300, 301, 404, 405, 410, 414, 501};
    for (size_t i = 0; i < G_N_ELEMENTS(by_default); i++)
        g_assert_true(url__cache_response_is_storable("GET", plain, by_default[i], plain));
    g_assert_false(url__cache_response_is_storable("GET", plain, 206, plain));
    g_assert_false(url__cache_response_is_storable("GET", plain, 302, plain));
    g_assert_false(url__cache_response_is_storable("GET", plain, 500, plain));
    g_assert_false(url__cache_response_is_storable("GET", plain, 304, plain));
    /* Other statuses with explicit freshness. */
    g_assert_true(url__cache_response_is_storable("GET", plain, 302, h_max_age));
    g_assert_false(url__cache_response_is_storable("POST", plain, 200, h_max_age));
    g_assert_false(url__cache_response_is_storable("HEAD", plain, 200, h_max_age));
    g_assert_false(url__cache_response_is_storable("GET", plain, 200, h_no_store));
    g_assert_false(url__cache_response_is_storable("GET", h_no_store, 200, plain));
    g_assert_false(url__cache_response_is_storable("GET", plain, 200, h_vary_star));
    g_assert_false(url__cache_response_is_storable("GET", h_range, 200, plain));
    /* A private cache may store answers to requests with credentials (RFC 9111 §3.5). */
    g_assert_true(url__cache_response_is_storable("GET", h_auth, 200, plain));
    g_assert_true(url__cache_request_bypasses(h_range));
    g_assert_false(url__cache_request_bypasses(h_auth));
    url__header_list_free(plain);
    url__header_list_free(h_no_store);
    url__header_list_free(h_max_age);
    url__header_list_free(h_vary_star);
    url__header_list_free(h_range);
    url__header_list_free(h_auth);
}

static void test_freshness_and_age(void)
{
    /* max-age wins over Expires. */
    const char *const both[] = {
        "Cache-Control", "max-age=100", "Expires", "Tue, 14 Nov 2023 23:13:20 GMT",
        "Date",          NOW_DATE,      NULL};
    UrlHeaderList *h = headers(both);
    g_assert_cmpfloat(url__cache_freshness_lifetime(h, NOW), ==, 100);
    url__header_list_free(h);
    /* Expires - Date. */
    const char *const expires[] = {"Expires", "Tue, 14 Nov 2023 23:13:20 GMT", "Date", NOW_DATE,
                                   NULL};
    h = headers(expires);
    g_assert_cmpfloat(url__cache_freshness_lifetime(h, NOW), ==, 3600);
    url__header_list_free(h);
    /* Without Date, the time the response arrived. */
    const char *const expires_only[] = {"Expires", "Tue, 14 Nov 2023 22:23:20 GMT", NULL};
    h = headers(expires_only);
    g_assert_cmpfloat(url__cache_freshness_lifetime(h, NOW), ==, 600);
    url__header_list_free(h);
    /* An invalid Expires is in the past; s-maxage is for shared caches; no heuristic. */
    const char *const invalid[] = {"Expires",
                                   "0",
                                   "Cache-Control",
                                   "s-maxage=600",
                                   "Last-Modified",
                                   "Mon, 13 Nov 2023 22:13:20 GMT",
                                   NULL};
    h = headers(invalid);
    g_assert_cmpfloat(url__cache_freshness_lifetime(h, NOW), ==, 0);
    url__header_list_free(h);

    /* Age: the larger of the apparent age and Age + the response delay, plus resident
     * time. */
    const char *const aged[] = {"Age", "30", "Date", NOW_DATE, NULL};
    h = headers(aged);
    g_assert_cmpfloat(url__cache_current_age(h, NOW - 2, NOW, NOW + 10), ==, 30 + 2 + 10);
    url__header_list_free(h);
    const char *const old_date[] = {"Date", "Tue, 14 Nov 2023 22:12:20 GMT", NULL};
    h = headers(old_date);
    g_assert_cmpfloat(url__cache_current_age(h, NOW, NOW, NOW + 5), ==, 60 + 5);
    url__header_list_free(h);
}

static UrlCacheVerdict verdict(const char *const *response, const char *const *request, double now)
{
    UrlHeaderList *r = headers(response), *q = headers(request);
    UrlCacheVerdict v = url__cache_evaluate(r, NOW, NOW, q, now);
    url__header_list_free(r);
    url__header_list_free(q);
    return v;
}

static void test_evaluate(void)
{
    const char *const fresh[] = {"Cache-Control", "max-age=60", "Date", NOW_DATE,
                                 "ETag",          "\"v1\"",     NULL};
    const char *const no_cache[] = {
        "Cache-Control", "no-cache, max-age=60", "Date", NOW_DATE, "Last-Modified", NOW_DATE, NULL};
    const char *const stale_no_validator[] = {"Cache-Control", "max-age=60", "Date", NOW_DATE,
                                              NULL};
    const char *const request_no_cache[] = {"Cache-Control", "no-cache", NULL};
    const char *const request_max_age_0[] = {"Cache-Control", "max-age=0", NULL};
    const char *const pragma[] = {"Pragma", "no-cache", NULL};
    g_assert_cmpint(verdict(fresh, NULL, NOW + 59), ==, URL_CACHE_FRESH);
    g_assert_cmpint(verdict(fresh, NULL, NOW + 61), ==, URL_CACHE_REVALIDATE);
    g_assert_cmpint(verdict(no_cache, NULL, NOW + 1), ==, URL_CACHE_REVALIDATE);
    g_assert_cmpint(verdict(stale_no_validator, NULL, NOW + 61), ==, URL_CACHE_UNUSABLE);
    g_assert_cmpint(verdict(fresh, request_no_cache, NOW + 1), ==, URL_CACHE_REVALIDATE);
    g_assert_cmpint(verdict(fresh, request_max_age_0, NOW + 1), ==, URL_CACHE_REVALIDATE);
    g_assert_cmpint(verdict(fresh, pragma, NOW + 1), ==, URL_CACHE_REVALIDATE);
}

static void test_vary(void)
{
    const char *const response[] = {"Vary", "Accept-Language", "Vary", " x-variant ,", NULL};
    const char *const request_a[] = {"Accept-Language", "en", "X-Variant", "a", NULL};
    const char *const request_b[] = {"accept-language", "en", "X-Variant", "b", NULL};
    const char *const request_none[] = {"Accept-Language", "en", NULL};
    UrlHeaderList *r = headers(response), *a = headers(request_a), *b = headers(request_b),
                  *none = headers(request_none);
    UrlHeaderList *stored = url__cache_vary_capture(r, a);
    g_assert_cmpuint(url__header_list_count(stored), ==, 2);
    g_assert_cmpstr(url__header_list_get(stored, "x-variant"), ==, "a");
    g_assert_true(url__cache_vary_matches(r, stored, a));
    g_assert_false(url__cache_vary_matches(r, stored, b));
    g_assert_false(url__cache_vary_matches(r, stored, none));
    url__header_list_free(stored);
    /* Absent when stored matches absent only. */
    stored = url__cache_vary_capture(r, none);
    g_assert_true(url__cache_vary_matches(r, stored, none));
    g_assert_false(url__cache_vary_matches(r, stored, a));
    url__header_list_free(stored);
    const char *const star[] = {"Vary", "*", NULL};
    UrlHeaderList *s = headers(star);
    stored = url__cache_vary_capture(s, a);
    g_assert_false(url__cache_vary_matches(s, stored, a));
    url__header_list_free(stored);
    url__header_list_free(s);
    url__header_list_free(r);
    url__header_list_free(a);
    url__header_list_free(b);
    url__header_list_free(none);
}

static void test_merge_not_modified(void)
{
    const char *const stored_pairs[] = {
        "Content-Type", "text/plain", "Content-Length", "12",  "ETag", "\"v1\"",
        "X-A",          "old",        "X-Kept",         "yes", NULL};
    const char *const fresh_pairs[] = {"ETag", "\"v2\"",         "X-A", "new1",         "X-A",
                                       "new2", "Content-Length", "0",   "Content-Type", "text/html",
                                       NULL};
    UrlHeaderList *stored = headers(stored_pairs), *fresh = headers(fresh_pairs);
    UrlHeaderList *merged = url__cache_merge_not_modified(stored, fresh);
    g_assert_cmpstr(url__header_list_get(merged, "ETag"), ==, "\"v2\"");
    g_autofree char *a = url__header_list_get_joined(merged, "X-A");
    g_assert_cmpstr(a, ==, "new1, new2");
    g_assert_cmpstr(url__header_list_get(merged, "X-Kept"), ==, "yes");
    g_assert_cmpstr(url__header_list_get(merged, "Content-Length"), ==, "12");
    g_assert_cmpstr(url__header_list_get(merged, "Content-Type"), ==, "text/plain");
    url__header_list_free(merged);
    url__header_list_free(stored);
    url__header_list_free(fresh);
}

static void test_key(void)
{
    g_autofree char *a = url__cache_key("http://h/p?q=1#frag");
    g_assert_cmpstr(a, ==, "http://h/p?q=1");
    g_autofree char *b = url__cache_key("http://h/p");
    g_assert_cmpstr(b, ==, "http://h/p");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cache_policy/cache-control", test_cache_control);
    g_test_add_func("/cache_policy/storable", test_storable);
    g_test_add_func("/cache_policy/freshness-and-age", test_freshness_and_age);
    g_test_add_func("/cache_policy/evaluate", test_evaluate);
    g_test_add_func("/cache_policy/vary", test_vary);
    g_test_add_func("/cache_policy/merge-not-modified", test_merge_not_modified);
    g_test_add_func("/cache_policy/key", test_key);
    return g_test_run();
}
