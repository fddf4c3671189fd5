/* network_change.h — a counter that moves whenever the host's addresses or routes change,
 * read from rtnetlink on the network thread. Everything remembered about "this network"
 * (DNS answers, the NAT64 prefix, which family won a race) is keyed by it. */
#ifndef URL_NET_NETWORK_CHANGE_H
#define URL_NET_NETWORK_CHANGE_H

#include <stdint.h>

/* The current network generation; starts watching on first call. Network thread only.
 * Until the path monitor exists this is the whole of the library's view of a change. */
uint64_t url__network_generation(void);

/* The same, after reading the change messages already queued on the rtnetlink socket:
 * for a cache that must not outlive a change made just before (one recv() more).
 * Network thread only. */
uint64_t url__network_generation_now(void);

/* Moves the generation on by hand (tests, and an application telling us). Any thread. */
void url__network_changed(void);

#endif
