/* socket_factory.c — the one place that creates every socket libcurl connects with.
 *
 * libcurl 7.88 cannot adopt a socket we connected ourselves, so policy that needs the
 * socket (TCP_NOTSENT_LOWAT, MPTCP, interface binding) is applied here,
 * between socket() and curl's own connect(). Every socket is also one connection
 * attempt, which is logged for the metrics. */
#include "net/socket_factory.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mptcp/mptcp_socket.h"
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

/* Keeps the connection on @name: SO_BINDTODEVICE (which needs CAP_NET_RAW), else
 * IP_UNICAST_IF / IPV6_UNICAST_IF, which steer the route lookup without privileges. */
static bool bind_to_interface(int fd, int family, const char *name)
{
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, (socklen_t)strlen(name) + 1) == 0)
        return true;
    unsigned index = if_nametoindex(name);
    if (index == 0) {
        g_debug("interface %s is gone", name);
        return false;
    }
    int result;
    if (family == AF_INET) {
        uint32_t network_order = htonl(index); /* IP_UNICAST_IF takes network order */
        result = setsockopt(fd, IPPROTO_IP, IP_UNICAST_IF, &network_order, sizeof network_order);
    } else {
        int value = (int)index;
        result = setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_IF, &value, sizeof value);
    }
    if (result != 0)
        g_debug("cannot bind to %s: %s", name, g_strerror(errno));
    return result == 0;
}

curl_socket_t url__socket_factory_open(void *data, curlsocktype purpose,
                                       struct curl_sockaddr *address)
{
    UrlSocketFactory *factory = data;
    const UrlSocketPolicy *policy = factory->policy;
    bool inet = address->family == AF_INET || address->family == AF_INET6;
    bool stream = address->socktype == SOCK_STREAM;
    int fd;
    factory->opened_mptcp = false;
    if (inet && stream && factory->mptcp.service_type != URL_MULTIPATH_SERVICE_TYPE_NONE)
        fd = url__mptcp_socket_open(address->family, address->socktype | SOCK_CLOEXEC,
                                    &factory->opened_mptcp);
    else
        fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (inet)
        log_attempt(factory, address);
    if (fd < 0)
        return CURL_SOCKET_BAD; /* curl reports errno: EMFILE surfaces as a connect error */
    if (inet && factory->interface[0] &&
        !bind_to_interface(fd, address->family, factory->interface)) {
        close(fd);
        return CURL_SOCKET_BAD; /* an unbound socket could leave on a forbidden interface */
    }
    if (factory->opened_mptcp)
        url__subflow_policy_watch(fd, &factory->mptcp);
    if (policy->notsent_lowat && address->socktype == SOCK_STREAM &&
        (address->family == AF_INET || address->family == AF_INET6)) {
        int lowat = URL__NOTSENT_LOWAT_BYTES;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat) != 0)
            g_debug("TCP_NOTSENT_LOWAT: %s", g_strerror(errno));
    }
    return fd;
}

int url__socket_factory_close(void *unused, curl_socket_t fd)
{
    url__subflow_policy_forget(fd);
    return close(fd);
}

void url__socket_factory_install(CURL *easy, UrlSocketFactory *factory,
                                 const UrlSocketPolicy *policy)
{
    factory->policy = policy;
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, url__socket_factory_open);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, factory);
    /* Connections outlive their transfer in the pool: the close callback needs no data. */
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, url__socket_factory_close);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, NULL);
}

void url__socket_factory_clear(UrlSocketFactory *factory)
{
    if (factory->attempts)
        g_array_free(factory->attempts, TRUE);
    factory->attempts = NULL;
}
