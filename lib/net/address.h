/* address.h — an IP address as the connection policy handles it: family and bytes, no
 * port, plus where it came from (a NAT64 synthesis or the DNS). */
#ifndef URL_NET_ADDRESS_H
#define URL_NET_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

/* INET6_ADDRSTRLEN plus brackets. */
#define URL__ADDRESS_STRING_MAX 48

typedef struct {
    int family;        /* AF_INET or AF_INET6 */
    uint8_t bytes[16]; /* the first 4 for AF_INET */
    bool synthesized;  /* made from an IPv4 address with a NAT64 prefix */
} UrlAddress;

/* Parses a numeric IPv4 or IPv6 address (IPv6 with or without brackets). */
bool url__address_parse(const char *text, UrlAddress *address);
/* The numeric form, without brackets; @buffer has URL__ADDRESS_STRING_MAX bytes. */
const char *url__address_to_string(const UrlAddress *address, char *buffer);
bool url__address_equal(const UrlAddress *a, const UrlAddress *b);
/* Fills @storage with @address and @port; returns the sockaddr length. */
socklen_t url__address_to_sockaddr(const UrlAddress *address, int port,
                                   struct sockaddr_storage *storage);
bool url__address_from_sockaddr(const struct sockaddr *sa, UrlAddress *address);

/* The source address the kernel would use toward @destination (a route lookup through a
 * connected UDP socket: nothing is sent). False when there is no route. When the lookup
 * itself cannot be made (no descriptor left), true with an all-zero source: the connect
 * will say what is wrong. */
bool url__address_route_source(const UrlAddress *destination, UrlAddress *source);

#endif
