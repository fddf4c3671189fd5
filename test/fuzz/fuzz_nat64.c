/* fuzz_nat64.c — NAT64 prefixes: RFC 6052 synthesis and extraction, RFC 7050 discovery
 * from AAAA answers, and the prefix's text form.
 *
 * Input: a length selector byte, 16 prefix bytes, 4 IPv4 bytes, then AAAA answers of 16
 * bytes each. Invariants checked:
 *   - a prefix prints and parses back to itself;
 *   - synthesis succeeds exactly for IPv4 addresses outside 0/8, 127/8, 169.254/16 and
 *     255.255.255.255 (checked independently of url__nat64_may_synthesize);
 *   - a synthesized address is IPv6, marked synthesized, starts with the prefix, has a
 *     zero u-octet (bits 64-71) below /96, and extraction at the prefix length gives the
 *     IPv4 address back;
 *   - discovery on the synthesis of 192.0.0.170 finds exactly that prefix when the well-
 *     known address occurs at that one length only, and at most one prefix otherwise;
 *   - discovery on arbitrary answers returns at most max distinct prefixes of RFC 6052
 *     lengths, each of which embeds 192.0.0.170 or .171 in one of the answers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <sys/socket.h>

#include "fuzz_input.h"
#include "net/nat64.h"

static const int lengths[] = {32, 40, 48, 56, 64, 96};
static const uint8_t wka170[4] = {192, 0, 0, 170};
static const uint8_t wka171[4] = {192, 0, 0, 171};

static bool forbidden(const uint8_t v4[4])
{
    uint32_t a = (uint32_t)v4[0] << 24 | (uint32_t)v4[1] << 16 | (uint32_t)v4[2] << 8 | v4[3];
    return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 16) == 0xa9fe || a == 0xffffffffu;
}

static bool same_prefix(const UrlNat64Prefix *a, const UrlNat64Prefix *b)
{
    return a->length == b->length && memcmp(a->bytes, b->bytes, 16) == 0;
}

/* At how many RFC 6052 lengths @ipv6 embeds @wka. */
static int wka_count(const uint8_t ipv6[16], const uint8_t wka[4])
{
    int count = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(lengths); i++) {
        uint8_t v4[4];
        url__nat64_extract(ipv6, lengths[i], v4);
        count += memcmp(v4, wka, 4) == 0;
    }
    return count;
}

static void check_discovered(const UrlNat64Prefix *found, size_t n, size_t max,
                             const UrlAddress *answers, size_t count)
{
    FUZZ_ASSERT(n <= max);
    for (size_t i = 0; i < n; i++) {
        bool valid_length = false;
        for (size_t l = 0; l < G_N_ELEMENTS(lengths); l++)
            valid_length = valid_length || found[i].length == lengths[l];
        FUZZ_ASSERT(valid_length);
        for (size_t b = (size_t)found[i].length / 8; b < 16; b++)
            FUZZ_ASSERT(found[i].bytes[b] == 0);
        for (size_t j = 0; j < i; j++)
            FUZZ_ASSERT(!same_prefix(&found[i], &found[j]));
        bool from_answer = false;
        for (size_t a = 0; a < count && !from_answer; a++) {
            if (answers[a].family != AF_INET6 ||
                memcmp(answers[a].bytes, found[i].bytes, (size_t)found[i].length / 8) != 0)
                continue;
            uint8_t v4[4];
            url__nat64_extract(answers[a].bytes, found[i].length, v4);
            from_answer = memcmp(v4, wka170, 4) == 0 || memcmp(v4, wka171, 4) == 0;
        }
        FUZZ_ASSERT(from_answer);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in;
    fuzz_input_init(&in, data, size);
    UrlNat64Prefix prefix = {.length = lengths[fuzz_input_byte(&in) % G_N_ELEMENTS(lengths)]};
    for (int i = 0; i < 16; i++)
        prefix.bytes[i] = fuzz_input_byte(&in);
    memset(prefix.bytes + prefix.length / 8, 0, 16 - (size_t)prefix.length / 8);
    uint8_t v4[4];
    for (int i = 0; i < 4; i++)
        v4[i] = fuzz_input_byte(&in);

    /* Text form. */
    char *text = url__nat64_prefix_to_string(&prefix);
    UrlNat64Prefix parsed;
    FUZZ_ASSERT(url__nat64_prefix_parse(text, &parsed));
    FUZZ_ASSERT(same_prefix(&parsed, &prefix));
    g_free(text);

    /* Synthesis and extraction. */
    FUZZ_ASSERT(url__nat64_may_synthesize(v4) == !forbidden(v4));
    UrlAddress synthesized;
    bool made = url__nat64_synthesize(&prefix, v4, &synthesized);
    FUZZ_ASSERT(made == !forbidden(v4));
    if (made) {
        FUZZ_ASSERT(synthesized.family == AF_INET6 && synthesized.synthesized);
        FUZZ_ASSERT(memcmp(synthesized.bytes, prefix.bytes, (size_t)prefix.length / 8) == 0);
        if (prefix.length < 96)
            FUZZ_ASSERT(synthesized.bytes[8] == 0);
        uint8_t back[4];
        url__nat64_extract(synthesized.bytes, prefix.length, back);
        FUZZ_ASSERT(memcmp(back, v4, 4) == 0);
    }

    /* Discovery of the prefix from its own synthesis of 192.0.0.170. */
    UrlAddress own;
    FUZZ_ASSERT(url__nat64_synthesize(&prefix, wka170, &own));
    UrlNat64Prefix found[8];
    size_t n = url__nat64_discover(&own, 1, found, G_N_ELEMENTS(found));
    FUZZ_ASSERT(n <= 1);
    if (wka_count(own.bytes, wka170) == 1) {
        FUZZ_ASSERT(n == 1);
        FUZZ_ASSERT(same_prefix(&found[0], &prefix));
    }
    check_discovered(found, n, G_N_ELEMENTS(found), &own, 1);

    /* Discovery on arbitrary answers, a small max to exercise the bound. */
    size_t count = fuzz_input_left(&in) / 16;
    if (count > 64)
        count = 64;
    UrlAddress *answers = g_new0(UrlAddress, count + 1);
    for (size_t i = 0; i < count; i++) {
        answers[i].family = AF_INET6;
        for (int b = 0; b < 16; b++)
            answers[i].bytes[b] = fuzz_input_byte(&in);
    }
    answers[count].family = AF_INET; /* never a source of a prefix */
    memcpy(answers[count].bytes, wka170, 4);
    size_t max = 1 + size % 4;
    n = url__nat64_discover(answers, count + 1, found, max);
    check_discovered(found, n, max, answers, count + 1);
    g_free(answers);
    return 0;
}
