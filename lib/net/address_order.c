/* address_order.c — RFC 6724 destination address selection and RFC 8305 interleaving.
 *
 * libcurl 7.88's Happy Eyeballs starts with the family of the first address and tries
 * the addresses of one family one after another, so the list this module produces is
 * the connection order. */
#include "net/address_order.h"

#include <netinet/in.h>
#include <string.h>

#include <glib.h>

/* RFC 6724 §2.1 default policy table. IPv4 addresses are looked up as ::ffff:a.b.c.d. */
typedef struct {
    uint8_t prefix[16];
    int length;
    int precedence;
    int label;
} PolicyEntry;

static const PolicyEntry policy_table[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, 50, 0}, /* ::1/128 */
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, 35, 4},        /* ::ffff:0:0/96 */
    {{0x20, 0x02}, 16, 30, 2},                                      /* 2002::/16 */
    {{0x20, 0x01, 0, 0}, 32, 5, 5},                                 /* 2001::/32 */
    {{0xfc}, 7, 3, 13},                                             /* fc00::/7 */
    {{0}, 96, 1, 3},                                                /* ::/96 */
    {{0xfe, 0xc0}, 10, 1, 11},                                      /* fec0::/10 */
    {{0x3f, 0xfe}, 16, 1, 12},                                      /* 3ffe::/16 */
    {{0}, 0, 40, 1},                                                /* ::/0 */
};

static void as_ipv6(const UrlAddress *address, uint8_t out[16])
{
    if (address->family == AF_INET6) {
        memcpy(out, address->bytes, 16);
        return;
    }
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memcpy(out, mapped, 12);
    memcpy(out + 12, address->bytes, 4);
}

static int common_prefix_length(const uint8_t *a, const uint8_t *b, int max_bits)
{
    int bits = 0;
    for (int i = 0; i < 16 && bits < max_bits; i++) {
        uint8_t diff = a[i] ^ b[i];
        if (diff == 0) {
            bits += 8;
            continue;
        }
        while (!(diff & 0x80)) {
            bits++;
            diff <<= 1;
        }
        break;
    }
    return bits < max_bits ? bits : max_bits;
}

static const PolicyEntry *policy_of(const UrlAddress *address)
{
    uint8_t bytes[16];
    as_ipv6(address, bytes);
    /* The table is ordered so that the first match is the longest. */
    for (size_t i = 0; i < G_N_ELEMENTS(policy_table); i++)
        if (common_prefix_length(bytes, policy_table[i].prefix, 128) >= policy_table[i].length)
            return &policy_table[i];
    return &policy_table[G_N_ELEMENTS(policy_table) - 1];
}

int url__address_order_precedence(const UrlAddress *address)
{
    return policy_of(address)->precedence;
}

int url__address_order_label(const UrlAddress *address)
{
    return policy_of(address)->label;
}

int url__address_order_scope(const UrlAddress *address)
{
    const uint8_t *b = address->bytes;
    if (address->family == AF_INET) {
        /* RFC 6724 §3.2: loopback and link-local IPv4 are link-local; all else global. */
        if (b[0] == 127 || (b[0] == 169 && b[1] == 254))
            return 0x2;
        return 0xe;
    }
    if (b[0] == 0xff)
        return b[1] & 0x0f; /* multicast carries its scope */
    static const uint8_t loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (memcmp(b, loopback, 16) == 0)
        return 0x2;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return 0x2;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        return 0x5; /* deprecated site-local */
    return 0xe;
}

/* Negative when @a goes first. Rules of RFC 6724 §6 in order. */
static int compare(const UrlAddressCandidate *a, const UrlAddressCandidate *b)
{
    /* Rule 1: avoid unusable destinations. */
    if (a->has_source != b->has_source)
        return a->has_source ? -1 : 1;
    if (a->has_source) {
        /* Rule 2: prefer matching scope. */
        bool a_match =
            url__address_order_scope(&a->destination) == url__address_order_scope(&a->source);
        bool b_match =
            url__address_order_scope(&b->destination) == url__address_order_scope(&b->source);
        if (a_match != b_match)
            return a_match ? -1 : 1;
        /* Rule 5: prefer matching label. */
        a_match = url__address_order_label(&a->destination) == url__address_order_label(&a->source);
        b_match = url__address_order_label(&b->destination) == url__address_order_label(&b->source);
        if (a_match != b_match)
            return a_match ? -1 : 1;
    }
    /* Rule 6: prefer higher precedence. */
    int a_precedence = url__address_order_precedence(&a->destination);
    int b_precedence = url__address_order_precedence(&b->destination);
    if (a_precedence != b_precedence)
        return b_precedence - a_precedence;
    /* Rule 8: prefer smaller scope. */
    int a_scope = url__address_order_scope(&a->destination);
    int b_scope = url__address_order_scope(&b->destination);
    if (a_scope != b_scope)
        return a_scope - b_scope;
    /* Rule 9: longest matching prefix, IPv6 only (as deployed stacks do: IPv4 prefixes
     * say nothing about topology), up to the /64 of the source. */
    if (a->has_source && b->has_source && a->destination.family == AF_INET6 &&
        b->destination.family == AF_INET6) {
        int a_common = common_prefix_length(a->destination.bytes, a->source.bytes, 64);
        int b_common = common_prefix_length(b->destination.bytes, b->source.bytes, 64);
        if (a_common != b_common)
            return b_common - a_common;
    }
    return 0; /* Rule 10: leave the order unchanged (the sort is stable). */
}

void url__address_order_sort(UrlAddressCandidate *candidates, size_t count)
{
    /* Insertion sort: stable, and address lists are short. */
    for (size_t i = 1; i < count; i++) {
        UrlAddressCandidate item = candidates[i];
        size_t j = i;
        while (j > 0 && compare(&item, &candidates[j - 1]) < 0) {
            candidates[j] = candidates[j - 1];
            j--;
        }
        candidates[j] = item;
    }
}

void url__address_order_interleave(UrlAddress *addresses, size_t count, int preferred_family)
{
    if (count < 2)
        return;
    if (preferred_family == 0)
        preferred_family = addresses[0].family;
    UrlAddress *preferred = g_new(UrlAddress, count);
    UrlAddress *other = g_new(UrlAddress, count);
    size_t n_preferred = 0, n_other = 0;
    for (size_t i = 0; i < count; i++) {
        if (addresses[i].family == preferred_family)
            preferred[n_preferred++] = addresses[i];
        else
            other[n_other++] = addresses[i];
    }
    size_t out = 0, p = 0, o = 0;
    while (p < n_preferred || o < n_other) {
        if (p < n_preferred)
            addresses[out++] = preferred[p++];
        if (o < n_other)
            addresses[out++] = other[o++];
    }
    g_free(preferred);
    g_free(other);
}

size_t url__address_order(UrlAddress *addresses, size_t count, int preferred_family)
{
    UrlAddressCandidate *candidates = g_new0(UrlAddressCandidate, count);
    size_t routed = 0;
    for (size_t i = 0; i < count; i++) {
        candidates[i].destination = addresses[i];
        candidates[i].has_source = url__address_route_source(&addresses[i], &candidates[i].source);
        routed += candidates[i].has_source;
    }
    url__address_order_sort(candidates, count);
    for (size_t i = 0; i < count; i++)
        addresses[i] = candidates[i].destination;
    g_free(candidates);
    /* Interleave the routable ones; the unroutable stay at the end as a last hope. */
    url__address_order_interleave(addresses, routed, preferred_family);
    return routed;
}
