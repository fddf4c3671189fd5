/* test_address_order.c — RFC 6724 destination ordering and RFC 8305 interleaving. */
#include "net/address_order.h"

#include <netinet/in.h>

#include <glib.h>

static UrlAddress a(const char *text)
{
    UrlAddress address;
    g_assert_true(url__address_parse(text, &address));
    return address;
}

static UrlAddressCandidate routed(const char *destination, const char *source)
{
    UrlAddressCandidate c = {.destination = a(destination), .has_source = source != NULL};
    if (source)
        c.source = a(source);
    return c;
}

static void assert_order(UrlAddressCandidate *c, size_t n, const char *const *expected)
{
    url__address_order_sort(c, n);
    for (size_t i = 0; i < n; i++) {
        char text[URL__ADDRESS_STRING_MAX];
        g_assert_cmpstr(url__address_to_string(&c[i].destination, text), ==, expected[i]);
    }
}

static void test_policy_table(void)
{
    UrlAddress x = a("::1");
    g_assert_cmpint(url__address_order_precedence(&x), ==, 50);
    x = a("2001:0:5ef5:79fd::1");
    g_assert_cmpint(url__address_order_precedence(&x), ==, 5); /* 2001::/32 Teredo */
    x = a("2001:db8::1");
    g_assert_cmpint(url__address_order_precedence(&x), ==, 40);
    x = a("192.0.2.1");
    g_assert_cmpint(url__address_order_precedence(&x), ==, 35);
    g_assert_cmpint(url__address_order_label(&x), ==, 4);
    x = a("fd00::1");
    g_assert_cmpint(url__address_order_precedence(&x), ==, 3);
    x = a("2002:c000:201::1");
    g_assert_cmpint(url__address_order_label(&x), ==, 2);
    x = a("fe80::1");
    g_assert_cmpint(url__address_order_scope(&x), ==, 2);
    x = a("169.254.0.1");
    g_assert_cmpint(url__address_order_scope(&x), ==, 2);
    x = a("10.0.0.1");
    g_assert_cmpint(url__address_order_scope(&x), ==, 0xe);
}

/* RFC 6724 §10.2 examples. */
static void test_rfc6724_examples(void)
{
    { /* prefer matching scope */
        UrlAddressCandidate c[] = {routed("2001:db8:1::1", "fe80::1"),
                                   routed("198.51.100.121", "198.51.100.117")};
        const char *e[] = {"198.51.100.121", "2001:db8:1::1"};
        assert_order(c, 2, e);
    }
    { /* prefer higher precedence: global IPv6 over IPv4 */
        UrlAddressCandidate c[] = {routed("198.51.100.121", "198.51.100.117"),
                                   routed("2001:db9:1::1", "2001:db9:1::2")};
        const char *e[] = {"2001:db9:1::1", "198.51.100.121"};
        assert_order(c, 2, e);
    }
    { /* ULA ranks below IPv4 */
        UrlAddressCandidate c[] = {routed("fd00:1::1", "fd00:1::2"),
                                   routed("198.51.100.121", "198.51.100.117")};
        const char *e[] = {"198.51.100.121", "fd00:1::1"};
        assert_order(c, 2, e);
    }
    { /* prefer smaller scope */
        UrlAddressCandidate c[] = {routed("2001:db9:1::1", "2001:db9:1::2"),
                                   routed("fe80::1", "fe80::2")};
        const char *e[] = {"fe80::1", "2001:db9:1::1"};
        assert_order(c, 2, e);
    }
    { /* longest matching prefix */
        UrlAddressCandidate c[] = {routed("2001:db9:1::1", "2001:db9:3::2"),
                                   routed("2001:db9:3::1", "2001:db9:3::2")};
        const char *e[] = {"2001:db9:3::1", "2001:db9:1::1"};
        assert_order(c, 2, e);
    }
    { /* unusable destinations last, however attractive */
        UrlAddressCandidate c[] = {routed("::1", NULL), routed("2001:db9:3::1", NULL),
                                   routed("192.0.2.1", "192.0.2.2")};
        const char *e[] = {"192.0.2.1", "::1", "2001:db9:3::1"};
        assert_order(c, 3, e);
    }
}

static void interleaved(const char *const *in, size_t n, int family, const char *const *expected)
{
    UrlAddress list[8];
    for (size_t i = 0; i < n; i++)
        list[i] = a(in[i]);
    url__address_order_interleave(list, n, family);
    for (size_t i = 0; i < n; i++) {
        char text[URL__ADDRESS_STRING_MAX];
        g_assert_cmpstr(url__address_to_string(&list[i], text), ==, expected[i]);
    }
}

static void test_interleave(void)
{
    const char *in[] = {"2001:db9::1", "2001:db9::2", "2001:db9::3", "192.0.2.1", "192.0.2.2"};
    const char *six_first[] = {"2001:db9::1", "192.0.2.1", "2001:db9::2", "192.0.2.2",
                               "2001:db9::3"};
    interleaved(in, 5, 0, six_first);
    /* a remembered IPv4 win puts IPv4 first */
    const char *four_first[] = {"192.0.2.1", "2001:db9::1", "192.0.2.2", "2001:db9::2",
                                "2001:db9::3"};
    interleaved(in, 5, AF_INET, four_first);
    const char *only[] = {"192.0.2.1", "192.0.2.2"};
    interleaved(only, 2, AF_INET6, only);
}

/* With both families routable (loopback), IPv6 comes first even when A answered first. */
static void test_order_with_routes(void)
{
    UrlAddress list[] = {a("127.0.0.1"), a("::1")};
    size_t routed_count = url__address_order(list, 2, 0);
    if (routed_count < 2) {
        g_test_skip("this host has no IPv6 loopback");
        return;
    }
    g_assert_cmpint(list[0].family, ==, AF_INET6);
    g_assert_cmpint(list[1].family, ==, AF_INET);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/address-order/policy-table", test_policy_table);
    g_test_add_func("/address-order/rfc6724-examples", test_rfc6724_examples);
    g_test_add_func("/address-order/interleave", test_interleave);
    g_test_add_func("/address-order/with-routes", test_order_with_routes);
    return g_test_run();
}
