/* pm_netlink.h — requests to the kernel's MPTCP path manager over generic netlink
 * ("mptcp_pm"): endpoints for the kernel path manager, subflows and their priority for
 * the user-space one. */
#ifndef URL_MPTCP_PM_NETLINK_H
#define URL_MPTCP_PM_NETLINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/* One address with what the path manager attaches to it. */
typedef struct {
    int family; /* AF_INET or AF_INET6 */
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } address;
    uint16_t port;  /* host order; 0: any */
    uint8_t id;     /* endpoint or local address id; 0: let the kernel choose */
    uint32_t flags; /* MPTCP_PM_ADDR_FLAG_* */
    int ifindex;    /* 0: none */
} UrlPmAddress;

/* Fills @address from a numeric address; false when it is not one. */
bool url__pm_address_parse(UrlPmAddress *address, const char *text, uint16_t port);

/* Kernel path manager endpoints ("ip mptcp endpoint"). Each returns 0 or a negative
 * errno (-EPERM without CAP_NET_ADMIN, -ENOENT when the kernel has no "mptcp_pm"). */
int url__pm_endpoints(GArray *into); /* of UrlPmAddress */
int url__pm_endpoint_add(const UrlPmAddress *endpoint);
int url__pm_endpoint_delete(uint8_t id);
int url__pm_endpoint_set_backup(uint8_t id, bool backup);

/* User-space path manager, per connection (@token from MPTCP_INFO). */
int url__pm_subflow_create(uint32_t token, const UrlPmAddress *local, const UrlPmAddress *remote);
int url__pm_subflow_destroy(uint32_t token, const UrlPmAddress *local, const UrlPmAddress *remote);
int url__pm_subflow_set_backup(uint32_t token, const UrlPmAddress *local,
                               const UrlPmAddress *remote, bool backup);

#endif
