/* destination.h — the addresses to connect to for one host and port, in the order to try
 * them: DNS (resolver.c), NAT64 synthesis (nat64.c), RFC 6724 / RFC 8305 order
 * (address_order.c) and the last winner (happy_eyeballs.c). One per session, network
 * thread only. */
#ifndef URL_NET_DESTINATION_H
#define URL_NET_DESTINATION_H

#include <stdbool.h>
#include <stdint.h>

#include <urlsession/configuration.h>
#include <urlsession/error.h>

#include "net/address.h"
#include "net/nat64.h"

typedef struct UrlDestinations UrlDestinations;
typedef struct UrlDestinationLookup UrlDestinationLookup;

typedef struct {
    const char *dns_servers;  /* NULL: resolv.conf */
    const char *nat64_prefix; /* "64:ff9b::/96"; NULL: discover (RFC 7050) */
    double dns_timeout;       /* seconds */
    const char *doh_url;      /* DNS over HTTPS instead of @dns_servers; NULL: none */
    const char *ca_file;      /* the DoH server's trust; NULL: the system's */
    const char *ca_path;
} UrlDestinationsOptions;

typedef struct {
    UrlAddress *addresses; /* in connection order; synthesized ones last */
    size_t count;
    bool has_prefix;
    UrlNat64Prefix prefix; /* the NAT64 prefix synthesized addresses used */
    uint64_t generation;   /* the network this plan was made on */
    int ref_count;         /* plans are shared, never changed: destination.c */
} UrlDestinationPlan;

/* @plan (transfer full, free with url__destination_plan_free) or @error (transfer full). */
typedef void (*UrlDestinationFunc)(UrlDestinationPlan *plan, UrlError *error, void *data);

UrlDestinations *url__destinations_new(const UrlDestinationsOptions *options, UrlError **error);
void url__destinations_free(UrlDestinations *destinations);

/* Works out where @host (a name or an IP literal, IPv6 without brackets) is; @func runs
 * once, later, unless cancelled. For an IP literal it usually runs before this returns,
 * which then returns NULL (nothing to cancel). @url is for error messages. */
UrlDestinationLookup *url__destinations_lookup(UrlDestinations *destinations, const char *host,
                                               int port, UrlAddressFamily policy, const char *url,
                                               UrlDestinationFunc func, void *data);
void url__destinations_cancel(UrlDestinationLookup *lookup);

/* The transfer to @host:@port connected to @remote (numeric) in @connect_seconds: the
 * family that won is tried first next time on the same network. */
void url__destinations_record_winner(UrlDestinations *destinations, const char *host, int port,
                                     const char *remote, double connect_seconds,
                                     uint64_t generation);

void url__destination_plan_free(UrlDestinationPlan *plan);
/* "+host:port:a,[b],..." for CURLOPT_RESOLVE; free with g_free. */
char *url__destination_plan_resolve_entry(const UrlDestinationPlan *plan, const char *host,
                                          int port);
/* The plan's address equal to @numeric, or NULL. */
const UrlAddress *url__destination_plan_find(const UrlDestinationPlan *plan, const char *numeric);

#endif
