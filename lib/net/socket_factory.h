/* socket_factory.h — the one place that creates every socket libcurl connects with. */
#ifndef URL_NET_SOCKET_FACTORY_H
#define URL_NET_SOCKET_FACTORY_H

#include <net/if.h>
#include <stdbool.h>

#include <curl/curl.h>
#include <glib.h>

#include "mptcp/subflow_policy.h"

/* The short kernel send queue every connection gets: data waits in user space where it
 * can still be cancelled or reprioritised, not in a deep socket buffer. */
#define URL__NOTSENT_LOWAT_BYTES 16384

/* What the factory does to the sockets of one transfer. */
typedef struct {
    bool notsent_lowat; /* set TCP_NOTSENT_LOWAT to URL__NOTSENT_LOWAT_BYTES */
} UrlSocketPolicy;

extern const UrlSocketPolicy url__socket_policy_default;
/* For cleartext HTTP/2: libcurl 7.88 corrupts an h2 upload when a raw-socket send is
 * partial (fixed in curl 8.2, curl#11342), and a short send queue makes partial sends the
 * rule. TLS absorbs them, so only cleartext h2 goes without. */
extern const UrlSocketPolicy url__socket_policy_h2c;

/* One connection attempt curl made: the address and when its socket was created (so
 * Happy Eyeballs' staggering shows in metrics). */
typedef struct {
    char address[48]; /* numeric, no brackets */
    int port;
    double start; /* seconds since the epoch */
} UrlConnectAttempt;

/* The factory's state for one transfer. */
typedef struct {
    const UrlSocketPolicy *policy;
    GArray *attempts; /* UrlConnectAttempt, in the order curl opened them */
    /* The transfer's path choices (lib/path, lib/mptcp): MPTCP sockets (TCP when the
     * kernel refuses), and the interface to bind to ("" for any). */
    UrlMptcpOptions mptcp; /* service type NONE: plain TCP */
    char interface[IF_NAMESIZE];
    bool opened_mptcp; /* the last socket opened is an MPTCP one */
} UrlSocketFactory;

/* CURLOPT_OPENSOCKETFUNCTION callback; @data is a UrlSocketFactory *. */
curl_socket_t url__socket_factory_open(void *data, curlsocktype purpose,
                                       struct curl_sockaddr *address);

/* CURLOPT_CLOSESOCKETFUNCTION callback. */
int url__socket_factory_close(void *unused, curl_socket_t fd);

/* Sets @factory up with @policy (static storage) and installs it on @easy; @factory must
 * outlive the easy handle's transfers. */
void url__socket_factory_install(CURL *easy, UrlSocketFactory *factory,
                                 const UrlSocketPolicy *policy);
void url__socket_factory_clear(UrlSocketFactory *factory);

#endif
