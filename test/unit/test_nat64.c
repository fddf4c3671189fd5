/* test_nat64.c — RFC 6052 synthesis vectors for every prefix length, the addresses never
 * synthesized, and RFC 7050 prefix discovery at each length. */
#include "net/nat64.h"

#include <arpa/inet.h>
#include <string.h>

#include <glib.h>

typedef struct {
    const char *prefix;
    const char *expected;
} Vector;

/* RFC 6052 §2.4, Table 1: 192.0.2.33 embedded in each prefix. */
static const Vector rfc6052_vectors[] = {
    {"2001:db8::/32", "2001:db8:c000:221::"},
    {"2001:db8:100::/40", "2001:db8:1c0:2:21::"},
    {"2001:db8:122::/48", "2001:db8:122:c000:2:2100::"},
    {"2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"},
    {"2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100::"},
    {"2001:db8:122:344::/96", "2001:db8:122:344::c000:221"},
    {"64:ff9b::/96", "64:ff9b::c000:221"},
};

static void test_synthesis_vectors(void)
{
    const uint8_t ipv4[4] = {192, 0, 2, 33};
    for (size_t i = 0; i < G_N_ELEMENTS(rfc6052_vectors); i++) {
        UrlNat64Prefix prefix;
        g_assert_true(url__nat64_prefix_parse(rfc6052_vectors[i].prefix, &prefix));
        UrlAddress out;
        g_assert_true(url__nat64_synthesize(&prefix, ipv4, &out));
        g_assert_true(out.synthesized);
        UrlAddress expected;
        g_assert_true(url__address_parse(rfc6052_vectors[i].expected, &expected));
        g_assert_cmpmem(out.bytes, 16, expected.bytes, 16);
        /* u-octet (bits 64-71) is zero whatever the length */
        g_assert_cmpint(out.bytes[8], ==, 0);
        uint8_t back[4];
        url__nat64_extract(out.bytes, prefix.length, back);
        g_assert_cmpmem(back, 4, ipv4, 4);
    }
}

static void test_never_synthesized(void)
{
    UrlNat64Prefix prefix;
    g_assert_true(url__nat64_prefix_parse("64:ff9b::/96", &prefix));
    const uint8_t refused[][4] = {
        {0, 0, 0, 0},   {0, 1, 2, 3},     {127, 0, 0, 1},
        {127, 9, 9, 9}, {169, 254, 1, 1}, {255, 255, 255, 255},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        UrlAddress out = {.family = 99};
        g_assert_false(url__nat64_synthesize(&prefix, refused[i], &out));
        g_assert_cmpint(out.family, ==, 99);
    }
    const uint8_t allowed[][4] = {
        {192, 0, 2, 1}, {10, 0, 0, 1}, {169, 253, 0, 1}, {255, 255, 255, 254}};
    for (size_t i = 0; i < G_N_ELEMENTS(allowed); i++) {
        UrlAddress out;
        g_assert_true(url__nat64_synthesize(&prefix, allowed[i], &out));
    }
}

static void test_prefix_parse_rejects(void)
{
    UrlNat64Prefix prefix;
    g_assert_false(url__nat64_prefix_parse("64:ff9b::", &prefix));
    g_assert_false(url__nat64_prefix_parse("64:ff9b::/95", &prefix));
    g_assert_false(url__nat64_prefix_parse("64:ff9b::/", &prefix));
    g_assert_false(url__nat64_prefix_parse("192.0.2.0/96", &prefix));
    g_assert_false(url__nat64_prefix_parse("64:ff9b::1/96", &prefix));          /* host bits set */
    g_assert_false(url__nat64_prefix_parse("2001:db8:0:0:ff00::/64", &prefix)); /* u-octet */
    g_assert_true(url__nat64_prefix_parse("fd00:6464::/96", &prefix));
    char *text = url__nat64_prefix_to_string(&prefix);
    g_assert_cmpstr(text, ==, "fd00:6464::/96");
    g_free(text);
}

/* A DNS64 answer for ipv4only.arpa is the well-known address synthesized with the
 * network's prefix; discovery must find that prefix at each length. */
static void test_discovery_each_length(void)
{
    const uint8_t wka170[4] = {192, 0, 0, 170};
    const uint8_t wka171[4] = {192, 0, 0, 171};
    for (size_t i = 0; i < G_N_ELEMENTS(rfc6052_vectors); i++) {
        UrlNat64Prefix prefix;
        g_assert_true(url__nat64_prefix_parse(rfc6052_vectors[i].prefix, &prefix));
        UrlAddress answers[2];
        g_assert_true(url__nat64_synthesize(&prefix, wka170, &answers[0]));
        g_assert_true(url__nat64_synthesize(&prefix, wka171, &answers[1]));
        UrlNat64Prefix found[4];
        g_assert_cmpuint(url__nat64_discover(answers, 2, found, 4), ==, 1);
        g_assert_cmpint(found[0].length, ==, prefix.length);
        g_assert_cmpmem(found[0].bytes, 16, prefix.bytes, 16);
    }
}

static UrlAddress v6(const char *text)
{
    UrlAddress address;
    g_assert_true(url__address_parse(text, &address));
    return address;
}

static void test_discovery_ignores_non_matching(void)
{
    UrlAddress answers[] = {v6("2001:db8::1"), v6("64:ff9b::c000:aa")};
    UrlNat64Prefix found[4];
    g_assert_cmpuint(url__nat64_discover(answers, 1, found, 4), ==, 0);
    g_assert_cmpuint(url__nat64_discover(answers, 2, found, 4), ==, 1);
    char *text = url__nat64_prefix_to_string(&found[0]);
    g_assert_cmpstr(text, ==, "64:ff9b::/96");
    g_free(text);
}

/* 192.0.0.170 present twice (at /32 and /96): RFC 7050 §3 says to use 192.0.0.171. */
static void test_discovery_ambiguous_wka_uses_171(void)
{
    UrlAddress answers[] = {v6("2001:db8:c000:aa::c000:aa"), v6("2001:db8:c000:ab::c000:aa")};
    UrlNat64Prefix found[4];
    /* The first answer has 170 at /32 and at /96 and no 171: ignored. The second has
     * 171 at /32 and 170 once, at /96. */
    size_t n = url__nat64_discover(answers, 2, found, 4);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpint(found[0].length, ==, 96);
}

static void test_two_prefixes_deduplicated(void)
{
    UrlAddress answers[] = {v6("64:ff9b::c000:aa"), v6("64:ff9b::c000:ab"),
                            v6("fd00:6464::c000:aa")};
    UrlNat64Prefix found[4];
    g_assert_cmpuint(url__nat64_discover(answers, 3, found, 4), ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nat64/synthesis-rfc6052-vectors", test_synthesis_vectors);
    g_test_add_func("/nat64/never-synthesized", test_never_synthesized);
    g_test_add_func("/nat64/prefix-parse-rejects", test_prefix_parse_rejects);
    g_test_add_func("/nat64/discovery-each-length", test_discovery_each_length);
    g_test_add_func("/nat64/discovery-ignores-non-matching", test_discovery_ignores_non_matching);
    g_test_add_func("/nat64/discovery-ambiguous-uses-171", test_discovery_ambiguous_wka_uses_171);
    g_test_add_func("/nat64/two-prefixes-deduplicated", test_two_prefixes_deduplicated);
    return g_test_run();
}
