/* link_state.h — the host's links, addresses and default routes as rtnetlink tells them:
 * the raw facts a UrlPath is made from. */
#ifndef URL_PATH_LINK_STATE_H
#define URL_PATH_LINK_STATE_H

#include <net/if.h>
#include <stdbool.h>

#include <glib.h>

typedef struct {
    int index;
    char name[IF_NAMESIZE];
    unsigned flags;                  /* IFF_UP, IFF_RUNNING, IFF_LOWER_UP, IFF_LOOPBACK ... */
    bool has_ipv4;                   /* any IPv4 address */
    bool has_ipv6;                   /* an IPv6 address other than link-local */
    bool default_v4, default_v6;     /* a default route through it in the main table */
    bool pref64;                     /* a router advertised a NAT64 prefix (RFC 8781) */
    unsigned char pref64_prefix[16]; /* that prefix, bits past the length zero */
    int pref64_length;               /* 32, 40, 48, 56, 64 or 96 */
} UrlLink;

typedef struct {
    int index;
    int family; /* AF_INET or AF_INET6 */
    unsigned char bytes[16];
} UrlLinkAddress;

typedef struct {
    GArray *links;     /* UrlLink, by index */
    GArray *addresses; /* UrlLinkAddress */
} UrlLinkState;

/* Asks the kernel for every link, address and route (three rtnetlink dumps on a socket
 * of its own: kernel memory, answered at once). NULL with a debug message when netlink is
 * unavailable. */
UrlLinkState *url__link_state_dump(void);
void url__link_state_free(UrlLinkState *state);
/* Whether two states give the same facts (addresses included). */
bool url__link_state_equal(const UrlLinkState *a, const UrlLinkState *b);
const UrlLink *url__link_state_find_index(const UrlLinkState *state, int index);
/* The link holding numeric address @address (no brackets), NULL when none does. */
const UrlLink *url__link_state_find_address(const UrlLinkState *state, const char *address);
/* The first address of @family on interface @index, numeric, into @text (48 bytes);
 * false when it has none. IPv6 link-local addresses are skipped. */
bool url__link_state_address_of(const UrlLinkState *state, int index, int family, char *text);
/* Whether @link can carry traffic: up, with carrier, not loopback, with an address. */
bool url__link_is_usable(const UrlLink *link);

/* A router advertisement's PREF64 option (RFC 8781 §4). */
typedef struct {
    int index;                /* the interface it came on */
    unsigned char prefix[16]; /* the 96 bits carried, the rest zero, masked to @length */
    int length;               /* from the Prefix Length Code: 96, 64, 56, 48, 40 or 32 */
    unsigned lifetime;        /* seconds (the scaled lifetime times 8); 0: withdrawn */
} UrlPref64;

/* Whether an RTM_NEWNDUSEROPT message (a router advertisement's options the kernel passes
 * on) carries a valid PREF64 option, read into @pref64 (the first one). An option with a
 * reserved Prefix Length Code or the wrong size is ignored (RFC 8781 §4). */
bool url__link_nduseropt_pref64(const void *message, size_t length, UrlPref64 *pref64);

#endif
