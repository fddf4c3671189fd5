/* address_order.h — the order in which a host's addresses are tried: RFC 6724 destination
 * address selection, then RFC 8305 §4 interleaving of the two families. */
#ifndef URL_NET_ADDRESS_ORDER_H
#define URL_NET_ADDRESS_ORDER_H

#include "net/address.h"

/* One destination with the source the kernel would use toward it. */
typedef struct {
    UrlAddress destination;
    bool has_source; /* false: no route (RFC 6724 rule 1, "unusable") */
    UrlAddress source;
} UrlAddressCandidate;

/* RFC 6724 §2.1 default policy table lookups, for tests and the guide. */
int url__address_order_precedence(const UrlAddress *address);
int url__address_order_label(const UrlAddress *address);
/* RFC 6724 §3.1 scope: 0x1 interface-local .. 0xe global. */
int url__address_order_scope(const UrlAddress *address);

/* Sorts @candidates by RFC 6724 §6 rules 1, 2, 5, 6, 8, 9 and 10 (3, 4 and 7 need
 * information a client does not have: deprecated / home / native addresses). Stable. */
void url__address_order_sort(UrlAddressCandidate *candidates, size_t count);

/* RFC 8305 §4 with a first address family count of 1: the first address of
 * @preferred_family (0: the family of the first address), then alternately one of the
 * other family and one of the preferred, each family keeping its own order. */
void url__address_order_interleave(UrlAddress *addresses, size_t count, int preferred_family);

/* Both steps for addresses as received, with route lookups done here. Unroutable
 * addresses are kept, last. Returns how many have a route. */
size_t url__address_order(UrlAddress *addresses, size_t count, int preferred_family);

#endif
