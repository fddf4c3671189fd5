/* doh.h — DNS over HTTPS (RFC 8484): one query per HTTP/2 POST of an application/
 * dns-message body, on a libcurl multi of its own on the network thread. Queries are
 * built and answers parsed by c-ares. One per resolver. */
#ifndef URL_NET_DOH_H
#define URL_NET_DOH_H

#include <stdbool.h>
#include <stddef.h>

#include "net/address.h"

typedef struct UrlDoh UrlDoh;
typedef struct UrlDohQuery UrlDohQuery;

typedef struct {
    const char *url;     /* https://... */
    const char *ca_file; /* NULL: the system's trust store */
    const char *ca_path;
    double timeout; /* seconds for one query, connection included */
} UrlDohOptions;

/* The answer to one query, on the network thread, never inside url__doh_query (but
 * inside url__doh_free, with ARES_EDESTRUCTION, for the queries still pending).
 * @status is an ARES_* code: ARES_SUCCESS with @count addresses of the family asked for
 * (the smallest TTL of them in @ttl), ARES_ENOTFOUND (NXDOMAIN), ARES_ENODATA (no address
 * of that family), or a failure described by @reason ("DNS over HTTPS server
 * https://... : connection refused"). Everything is valid during the call only. */
typedef void (*UrlDohFunc)(int status, const UrlAddress *addresses, size_t count, int ttl,
                           const char *reason, void *data);

/* Whether @url can be a DoH server's URL: https, with a host. When not, and @reason is not
 * NULL, *@reason says why (free with g_free). Any thread. */
bool url__doh_url_valid(const char *url, char **reason);

/* Network thread only, like everything below. The options are copied. */
UrlDoh *url__doh_new(const UrlDohOptions *options);
/* Pending queries call back with ARES_EDESTRUCTION (as c-ares does in ares_destroy). */
void url__doh_free(UrlDoh *doh);

/* Asks the server for @name's addresses of @family (AF_INET: A, AF_INET6: AAAA). */
UrlDohQuery *url__doh_query(UrlDoh *doh, const char *name, int family, UrlDohFunc func, void *data);

#endif
