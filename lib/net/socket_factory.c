/* socket_factory.c — the one place that creates every socket libcurl connects with.
 *
 * libcurl 7.88 cannot adopt a socket we connected ourselves, so policy that needs the
 * socket (TCP_NOTSENT_LOWAT now; MPTCP and interface binding later) is applied here,
 * between socket() and curl's own connect(). Every socket is also one connection
 * attempt, which is logged for the metrics. */
#include "net/socket_factory.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "net/address.h"

const UrlSocketPolicy url__socket_policy_default = {.notsent_lowat = true};
const UrlSocketPolicy url__socket_policy_h2c = {.notsent_lowat = false};

static void log_attempt(UrlSocketFactory *factory, const struct curl_sockaddr *address)
{
    UrlAddress parsed;
    if (!url__address_from_sockaddr(&address->addr, &parsed))
        return;
    UrlConnectAttempt attempt = {.start = (double)g_get_real_time() / G_USEC_PER_SEC};
    char buffer[URL__ADDRESS_STRING_MAX];
    g_strlcpy(attempt.address, url__address_to_string(&parsed, buffer), sizeof attempt.address);
    const struct sockaddr_in *in = (const struct sockaddr_in *)&address->addr;
    attempt.port = ntohs(in->sin_port); /* same offset in sockaddr_in6 */
    if (factory->attempts == NULL)
        factory->attempts = g_array_new(FALSE, FALSE, sizeof(UrlConnectAttempt));
    g_array_append_val(factory->attempts, attempt);
}

curl_socket_t url__socket_factory_open(void *data, curlsocktype purpose,
                                       struct curl_sockaddr *address)
{
    UrlSocketFactory *factory = data;
    const UrlSocketPolicy *policy = factory->policy;
    int fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (address->family == AF_INET || address->family == AF_INET6)
        log_attempt(factory, address);
    if (fd < 0)
        return CURL_SOCKET_BAD; /* curl reports errno: EMFILE surfaces as a connect
                                   error */
    if (policy->notsent_lowat && address->socktype == SOCK_STREAM &&
        (address->family == AF_INET || address->family == AF_INET6)) {
        int lowat = URL__NOTSENT_LOWAT_BYTES;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat) != 0)
            g_debug("TCP_NOTSENT_LOWAT: %s", g_strerror(errno));
    }
    return fd;
}

void url__socket_factory_install(CURL *easy, UrlSocketFactory *factory,
                                 const UrlSocketPolicy *policy)
{
    factory->policy = policy;
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, url__socket_factory_open);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, factory);
}

void url__socket_factory_clear(UrlSocketFactory *factory)
{
    if (factory->attempts)
        g_array_free(factory->attempts, TRUE);
    factory->attempts = NULL;
}
