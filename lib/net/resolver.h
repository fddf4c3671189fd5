/* resolver.h — asynchronous A / AAAA lookups with c-ares on the network thread, with the
 * RFC 8305 §3 resolution delay and a cache that honours TTLs. One per session. */
#ifndef URL_NET_RESOLVER_H
#define URL_NET_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>

#include <urlsession/error.h>

#include "net/address.h"

/* RFC 8305 §3: how long to wait for the other family's answer once one has arrived. */
#define URL__RESOLUTION_DELAY_MS 50

typedef struct UrlResolver UrlResolver;
typedef struct UrlResolveQuery UrlResolveQuery;

typedef struct {
    const UrlAddress *addresses; /* AAAA answers, then A answers, in answer order */
    size_t count;
    /* When count is 0: URL_ERROR_CANNOT_FIND_HOST (NXDOMAIN, or no data for either
     * family) or URL_ERROR_DNS_LOOKUP_FAILED (no server answered, or it failed). */
    UrlErrorCode error_code;
    const char *error_message;
    bool from_cache; /* every family came from the cache */
} UrlResolveResult;

/* Called once on the network thread, never inside url__resolver_resolve; @result is
 * valid during the call. */
typedef void (*UrlResolveFunc)(const UrlResolveResult *result, void *data);

typedef struct {
    const char *dns_servers; /* "[fd00::53]:53,192.0.2.53"; NULL: /etc/resolv.conf */
    double timeout;          /* seconds for one lookup, all retries included */
    /* DNS over HTTPS (RFC 8484): when set, lookups go to this https URL instead of the
     * DNS servers (the hosts file is still read first). */
    const char *doh_url;
    const char *ca_file; /* the trust for the DoH server; NULL: the system's */
    const char *ca_path;
} UrlResolverOptions;

/* Network thread only, like every function here. Returns NULL with @error set when the
 * options cannot be used (a server list c-ares refuses). */
UrlResolver *url__resolver_new(const UrlResolverOptions *options, UrlError **error);
/* Pending lookups end without their callback. */
void url__resolver_free(UrlResolver *resolver);

/* Looks @host up: AAAA and A sent at once. Answers from hosts files count (c-ares lookups
 * "fb": files, then DNS). @want_ipv6 / @want_ipv4 select the queries sent. */
UrlResolveQuery *url__resolver_resolve(UrlResolver *resolver, const char *host, bool want_ipv6,
                                       bool want_ipv4, UrlResolveFunc func, void *data);
/* The callback will not run. */
void url__resolver_cancel(UrlResolveQuery *query);

/* Forgets every cached answer (also done by itself when the network generation moves). */
void url__resolver_flush(UrlResolver *resolver);

/* Checks a server list ("[fd00::53]:53,192.0.2.53") the way c-ares will read it. */
bool url__resolver_servers_valid(const char *servers);

#endif
