/* fuzz_dns_answer.c — raw DNS responses on their way to a connection: c-ares's A and
 * AAAA answer parsers (ares_parse_a_reply / ares_parse_aaaa_reply, the code that reads
 * what a DNS server sent), then what the library does with the answers: conversion to
 * UrlAddress, the resolver's order (AAAA answers, then A, duplicates dropped), RFC 6724
 * sorting and RFC 8305 interleaving (lib/net/address_order.c), RFC 7050 NAT64 prefix
 * discovery (lib/net/nat64.c) and the addresses' text form.
 *
 * Input: a flags byte (preferred family, which destinations have a route), 16 bytes for
 * the IPv6 source and 4 for the IPv4 source, then the DNS message. Invariants checked:
 *   - the parsers return at most the room given, addresses of their own family;
 *   - each address converts to a UrlAddress of the same bytes, prints and parses back;
 *   - sorting is a permutation, destinations with a route come first, and each neighbour
 *     pair is in RFC 6724 order;
 *   - interleaving is a permutation that keeps each family's order, starts with the
 *     preferred family when it has an address, and never puts two of one family side by
 *     side while the other still has some left;
 *   - NAT64 discovery returns valid, distinct prefixes found in the AAAA answers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <ares.h>
#include <glib.h>
#include <netdb.h>
#include <netinet/in.h>

#include "fuzz_input.h"
#include "net/address.h"
#include "net/address_order.h"
#include "net/nat64.h"

#define MAX_ANSWERS 32

static void add_unique(GArray *addresses, const UrlAddress *address)
{
    for (guint i = 0; i < addresses->len; i++)
        if (url__address_equal(&g_array_index(addresses, UrlAddress, i), address))
            return;
    g_array_append_val(addresses, *address);
}

static void convert(const struct sockaddr *sa, int family, const void *bytes, GArray *out)
{
    UrlAddress address;
    FUZZ_ASSERT(url__address_from_sockaddr(sa, &address));
    FUZZ_ASSERT(address.family == family && !address.synthesized);
    FUZZ_ASSERT(memcmp(address.bytes, bytes, family == AF_INET ? 4 : 16) == 0);
    char text[URL__ADDRESS_STRING_MAX];
    UrlAddress back;
    FUZZ_ASSERT(url__address_parse(url__address_to_string(&address, text), &back));
    FUZZ_ASSERT(url__address_equal(&back, &address));
    add_unique(out, &address);
}

static size_t index_of(const UrlAddress *list, size_t count, const UrlAddress *address)
{
    for (size_t i = 0; i < count; i++)
        if (url__address_equal(&list[i], address))
            return i;
    return count;
}

static void check_sort(const UrlAddress *addresses, size_t count, uint8_t routes,
                       const UrlAddress *source6, const UrlAddress *source4)
{
    UrlAddressCandidate *candidates = g_new0(UrlAddressCandidate, count);
    for (size_t i = 0; i < count; i++) {
        candidates[i].destination = addresses[i];
        candidates[i].has_source = (routes >> (i % 8)) & 1;
        candidates[i].source = addresses[i].family == AF_INET6 ? *source6 : *source4;
    }
    url__address_order_sort(candidates, count);
    bool seen_unroutable = false;
    for (size_t i = 0; i < count; i++) {
        /* A permutation: every address once (they are distinct). */
        FUZZ_ASSERT(index_of(addresses, count, &candidates[i].destination) < count);
        for (size_t j = 0; j < i; j++)
            FUZZ_ASSERT(
                !url__address_equal(&candidates[i].destination, &candidates[j].destination));
        FUZZ_ASSERT(!(seen_unroutable && candidates[i].has_source));
        seen_unroutable = seen_unroutable || !candidates[i].has_source;
        if (i > 0 && candidates[i].has_source == candidates[i - 1].has_source &&
            !candidates[i].has_source) {
            /* Among unroutable ones only precedence, then scope, order them. */
            int a = url__address_order_precedence(&candidates[i - 1].destination);
            int b = url__address_order_precedence(&candidates[i].destination);
            FUZZ_ASSERT(a >= b);
            if (a == b)
                FUZZ_ASSERT(url__address_order_scope(&candidates[i - 1].destination) <=
                            url__address_order_scope(&candidates[i].destination));
        }
    }
    g_free(candidates);
}

static void check_interleave(const UrlAddress *addresses, size_t count, int preferred)
{
    UrlAddress *mixed = g_new0(UrlAddress, count + 1);
    if (count > 0)
        memcpy(mixed, addresses, count * sizeof *mixed);
    url__address_order_interleave(mixed, count, preferred);
    int first_family = preferred ? preferred : (count ? addresses[0].family : 0);
    size_t left[2] = {0, 0}; /* [0]: first_family, [1]: the other */
    for (size_t i = 0; i < count; i++)
        left[addresses[i].family == first_family ? 0 : 1]++;
    if (count >= 2 && left[0] > 0)
        FUZZ_ASSERT(mixed[0].family == first_family);
    /* Each family keeps its order: the k-th address of a family in the output is the
     * k-th of that family in the input. */
    size_t next_in[2] = {0, 0};
    for (size_t i = 0; i < count; i++) {
        int side = mixed[i].family == first_family ? 0 : 1;
        size_t seen = 0, at = count;
        for (size_t j = 0; j < count; j++) {
            if ((addresses[j].family == first_family ? 0 : 1) != side)
                continue;
            if (seen++ == next_in[side]) {
                at = j;
                break;
            }
        }
        FUZZ_ASSERT(at < count && url__address_equal(&addresses[at], &mixed[i]));
        next_in[side]++;
        if (count >= 2 && i > 0 && mixed[i].family == mixed[i - 1].family) {
            /* Two of one family side by side: the other family must be used up. */
            int other = 1 - side;
            FUZZ_ASSERT(next_in[other] == left[other]);
        }
    }
    g_free(mixed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in;
    fuzz_input_init(&in, data, size);
    uint8_t flags = fuzz_input_byte(&in);
    uint8_t routes = fuzz_input_byte(&in);
    UrlAddress source6 = {.family = AF_INET6}, source4 = {.family = AF_INET};
    for (int i = 0; i < 16; i++)
        source6.bytes[i] = fuzz_input_byte(&in);
    for (int i = 0; i < 4; i++)
        source4.bytes[i] = fuzz_input_byte(&in);
    const unsigned char *message = data + in.offset;
    int length = (int)fuzz_input_left(&in);

    GArray *v6 = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    GArray *v4 = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    struct ares_addr6ttl ttls6[MAX_ANSWERS];
    int n6 = MAX_ANSWERS;
    struct hostent *host = NULL;
    if (ares_parse_aaaa_reply(message, length, &host, ttls6, &n6) == ARES_SUCCESS) {
        FUZZ_ASSERT(n6 >= 0 && n6 <= MAX_ANSWERS);
        FUZZ_ASSERT(host != NULL && host->h_addrtype == AF_INET6);
        for (int i = 0; i < n6; i++) {
            struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
            memcpy(&sa.sin6_addr, &ttls6[i].ip6addr, 16);
            convert((const struct sockaddr *)&sa, AF_INET6, &ttls6[i].ip6addr, v6);
        }
    }
    if (host)
        ares_free_hostent(host);
    host = NULL;
    struct ares_addrttl ttls4[MAX_ANSWERS];
    int n4 = MAX_ANSWERS;
    if (ares_parse_a_reply(message, length, &host, ttls4, &n4) == ARES_SUCCESS) {
        FUZZ_ASSERT(n4 >= 0 && n4 <= MAX_ANSWERS);
        FUZZ_ASSERT(host != NULL && host->h_addrtype == AF_INET);
        for (int i = 0; i < n4; i++) {
            struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = ttls4[i].ipaddr};
            convert((const struct sockaddr *)&sa, AF_INET, &ttls4[i].ipaddr, v4);
        }
    }
    if (host)
        ares_free_hostent(host);

    /* The resolver's result: AAAA answers, then A answers. */
    GArray *all = g_array_new(FALSE, FALSE, sizeof(UrlAddress));
    g_array_append_vals(all, v6->data, v6->len);
    g_array_append_vals(all, v4->data, v4->len);
    const UrlAddress *addresses = (const UrlAddress *)all->data;
    check_sort(addresses, all->len, routes, &source6, &source4);
    int preferred = (flags & 3) == 1 ? AF_INET6 : (flags & 3) == 2 ? AF_INET : 0;
    check_interleave(addresses, all->len, preferred);

    UrlNat64Prefix prefixes[4];
    size_t found = url__nat64_discover((const UrlAddress *)v6->data, v6->len, prefixes, 4);
    FUZZ_ASSERT(found <= 4 && found <= v6->len);
    for (size_t i = 0; i < found; i++) {
        char *text = url__nat64_prefix_to_string(&prefixes[i]);
        UrlNat64Prefix parsed;
        FUZZ_ASSERT(url__nat64_prefix_parse(text, &parsed));
        FUZZ_ASSERT(parsed.length == prefixes[i].length);
        g_free(text);
    }
    g_array_unref(all);
    g_array_unref(v6);
    g_array_unref(v4);
    return 0;
}
