/* nat64.h — NAT64 prefixes: RFC 6052 address synthesis and extraction, RFC 7050 prefix
 * discovery from the AAAA answers for ipv4only.arpa. */
#ifndef URL_NET_NAT64_H
#define URL_NET_NAT64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/address.h"

/* The name RFC 7050 asks for, and its two well-known IPv4 addresses. */
#define URL__NAT64_DISCOVERY_NAME "ipv4only.arpa"

typedef struct {
    uint8_t bytes[16]; /* bits past @length are zero */
    int length;        /* 32, 40, 48, 56, 64 or 96 */
} UrlNat64Prefix;

/* Parses "64:ff9b::/96"; the length must be one RFC 6052 allows. */
bool url__nat64_prefix_parse(const char *text, UrlNat64Prefix *prefix);
/* "64:ff9b::/96"; free with g_free. */
char *url__nat64_prefix_to_string(const UrlNat64Prefix *prefix);

/* Whether an IPv4 address may be synthesized: never 0/8, 127/8, 169.254/16 or
 * 255.255.255.255 (RFC 6052 §3.1 and RFC 8305 §7.1 reasons: local meaning only). */
bool url__nat64_may_synthesize(const uint8_t ipv4[4]);

/* RFC 6052 §2.2: the IPv4 address embedded in @prefix, u-octet (bits 64-71) zero, suffix
 * zero. Returns false (and leaves @out alone) for addresses url__nat64_may_synthesize
 * refuses. @out is an AF_INET6 address marked synthesized. */
bool url__nat64_synthesize(const UrlNat64Prefix *prefix, const uint8_t ipv4[4], UrlAddress *out);

/* The IPv4 address at @length's position in @ipv6 (the reverse of synthesis). */
void url__nat64_extract(const uint8_t ipv6[16], int length, uint8_t ipv4[4]);

/* RFC 7050 §3: the prefixes found in AAAA answers for ipv4only.arpa. Each answer is
 * searched at every RFC 6052 length for 192.0.0.170, or 192.0.0.171 when 170 occurs more
 * than once; answers without exactly one match are ignored. Writes up to @max distinct
 * prefixes, returns how many. */
size_t url__nat64_discover(const UrlAddress *answers, size_t count, UrlNat64Prefix *prefixes,
                           size_t max);

#endif
