/* socket_factory.c — the one place that creates every socket libcurl connects with.
 *
 * libcurl 7.88 cannot adopt a socket we connected ourselves, so policy that needs the
 * socket (TCP_NOTSENT_LOWAT now; MPTCP and interface binding later) is applied here,
 * between socket() and curl's own connect(). */
#include "net/socket_factory.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <glib.h>

const UrlSocketPolicy url__socket_policy_default = {.notsent_lowat = true};
const UrlSocketPolicy url__socket_policy_h2c = {.notsent_lowat = false};

curl_socket_t url__socket_factory_open(void *data, curlsocktype purpose,
                                       struct curl_sockaddr *address)
{
    const UrlSocketPolicy *policy = data;
    int fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0)
        return CURL_SOCKET_BAD; /* curl reports errno: EMFILE surfaces as a connect error */
    if (policy->notsent_lowat && address->socktype == SOCK_STREAM &&
        (address->family == AF_INET || address->family == AF_INET6)) {
        int lowat = URL__NOTSENT_LOWAT_BYTES;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat) != 0)
            g_debug("TCP_NOTSENT_LOWAT: %s", g_strerror(errno));
    }
    return fd;
}

void url__socket_factory_install(CURL *easy, const UrlSocketPolicy *policy)
{
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, url__socket_factory_open);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, (void *)policy);
}
