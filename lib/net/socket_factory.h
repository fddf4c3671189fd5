/* socket_factory.h — the one place that creates every socket libcurl connects with. */
#ifndef URL_NET_SOCKET_FACTORY_H
#define URL_NET_SOCKET_FACTORY_H

#include <curl/curl.h>

/* The short kernel send queue every connection gets: data waits in user space where it
 * can still be cancelled or reprioritised, not in a deep socket buffer. */
#define URL__NOTSENT_LOWAT_BYTES 16384

/* CURLOPT_OPENSOCKETFUNCTION callback; install it with url__socket_factory_install(). */
curl_socket_t url__socket_factory_open(void *data, curlsocktype purpose,
                                       struct curl_sockaddr *address);

/* Installs the factory on @easy. */
void url__socket_factory_install(CURL *easy);

#endif
