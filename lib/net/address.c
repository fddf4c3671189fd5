/* address.c — numeric addresses: parsing, printing, sockaddr conversion, and the route
 * lookup that tells whether (and from where) a destination is reachable. */
#include "net/address.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

bool url__address_parse(const char *text, UrlAddress *address)
{
    memset(address, 0, sizeof *address);
    if (text == NULL)
        return false;
    char buffer[URL__ADDRESS_STRING_MAX];
    size_t length = strlen(text);
    if (length >= 2 && text[0] == '[' && text[length - 1] == ']') {
        if (length - 2 >= sizeof buffer)
            return false;
        memcpy(buffer, text + 1, length - 2);
        buffer[length - 2] = '\0';
        text = buffer;
        if (inet_pton(AF_INET6, text, address->bytes) != 1)
            return false;
        address->family = AF_INET6;
        return true;
    }
    if (inet_pton(AF_INET, text, address->bytes) == 1) {
        address->family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, address->bytes) == 1) {
        address->family = AF_INET6;
        return true;
    }
    return false;
}

const char *url__address_to_string(const UrlAddress *address, char *buffer)
{
    if (inet_ntop(address->family, address->bytes, buffer, URL__ADDRESS_STRING_MAX) == NULL)
        g_strlcpy(buffer, "?", URL__ADDRESS_STRING_MAX);
    return buffer;
}

bool url__address_equal(const UrlAddress *a, const UrlAddress *b)
{
    size_t size = a->family == AF_INET ? 4 : 16;
    return a->family == b->family && memcmp(a->bytes, b->bytes, size) == 0;
}

socklen_t url__address_to_sockaddr(const UrlAddress *address, int port,
                                   struct sockaddr_storage *storage)
{
    memset(storage, 0, sizeof *storage);
    if (address->family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)storage;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        memcpy(&in->sin_addr, address->bytes, 4);
        return sizeof *in;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)storage;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    memcpy(&in6->sin6_addr, address->bytes, 16);
    return sizeof *in6;
}

bool url__address_from_sockaddr(const struct sockaddr *sa, UrlAddress *address)
{
    memset(address, 0, sizeof *address);
    if (sa->sa_family == AF_INET) {
        address->family = AF_INET;
        memcpy(address->bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        address->family = AF_INET6;
        memcpy(address->bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return true;
    }
    return false;
}

bool url__address_route_source(const UrlAddress *destination, UrlAddress *source)
{
    int fd = socket(destination->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == EAFNOSUPPORT)
            return false; /* no such family on this host at all */
        /* Out of descriptors or memory: we cannot tell, so let the connect find out
         * (and report it as the connect error it is). */
        if (source) {
            memset(source, 0, sizeof *source);
            source->family = destination->family;
        }
        return true;
    }
    struct sockaddr_storage storage;
    /* A connected UDP socket makes the kernel pick a route and a source; no packet. */
    socklen_t length = url__address_to_sockaddr(destination, 9, &storage);
    bool routed = connect(fd, (struct sockaddr *)&storage, length) == 0;
    if (routed && source) {
        struct sockaddr_storage local;
        socklen_t local_length = sizeof local;
        routed = getsockname(fd, (struct sockaddr *)&local, &local_length) == 0 &&
                 url__address_from_sockaddr((struct sockaddr *)&local, source);
    }
    close(fd);
    return routed;
}
