/* happy_eyeballs.h — what RFC 8305 needs beyond the address order: the connection attempt
 * delay, and per destination which family won last time and how fast (§4), never carried
 * from one network to another. */
#ifndef URL_NET_HAPPY_EYEBALLS_H
#define URL_NET_HAPPY_EYEBALLS_H

#include <stdint.h>

#define URL__ATTEMPT_DELAY_DEFAULT_MS 250
#define URL__ATTEMPT_DELAY_MIN_MS     10 /* RFC 8305 §5 */
#define URL__ATTEMPT_DELAY_MAX_MS     2000

/* A remembered win is trusted this long, then the RFC 6724 order gets its chance again. */
#define URL__HAPPY_EYEBALLS_MEMORY_SECONDS 600

typedef struct UrlHappyEyeballs UrlHappyEyeballs;

/* @milliseconds clamped to [10, 2000]. */
long url__happy_eyeballs_clamp_delay(long milliseconds);

UrlHappyEyeballs *url__happy_eyeballs_new(void);
void url__happy_eyeballs_free(UrlHappyEyeballs *memory);

/* A connection to @host:@port over @family came up after @connect_seconds, on the network
 * of @generation. */
void url__happy_eyeballs_record(UrlHappyEyeballs *memory, const char *host, int port, int family,
                                double connect_seconds, uint64_t generation);
/* The family that won last time on this network, 0 when nothing is known. */
int url__happy_eyeballs_preferred_family(UrlHappyEyeballs *memory, const char *host, int port,
                                         uint64_t generation);

#endif
