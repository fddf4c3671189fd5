/* test_socket_factory.c — the sockets curl connects with get the policy's options. */
#include "net/socket_factory.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

static int notsent_lowat_of(const UrlSocketPolicy *policy, int family)
{
    struct curl_sockaddr address = {.family = family, .socktype = SOCK_STREAM, .protocol = 0};
    UrlSocketFactory factory = {.policy = policy};
    curl_socket_t fd = url__socket_factory_open(&factory, CURLSOCKTYPE_IPCXN, &address);
    url__socket_factory_clear(&factory);
    g_assert_cmpint(fd, >=, 0);
    int value = -1;
    socklen_t length = sizeof value;
    g_assert_cmpint(getsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &value, &length), ==, 0);
    close(fd);
    return value;
}

static void test_default_policy_sets_short_send_queue(void)
{
    g_assert_cmpint(notsent_lowat_of(&url__socket_policy_default, AF_INET), ==,
                    URL__NOTSENT_LOWAT_BYTES);
    g_assert_cmpint(notsent_lowat_of(&url__socket_policy_default, AF_INET6), ==,
                    URL__NOTSENT_LOWAT_BYTES);
}

static void test_h2c_policy_leaves_kernel_default(void)
{
    g_assert_cmpint(notsent_lowat_of(&url__socket_policy_h2c, AF_INET), !=,
                    URL__NOTSENT_LOWAT_BYTES);
}

static void test_sockets_are_close_on_exec(void)
{
    struct curl_sockaddr address = {.family = AF_INET, .socktype = SOCK_STREAM};
    UrlSocketFactory factory = {.policy = &url__socket_policy_default};
    curl_socket_t fd = url__socket_factory_open(&factory, CURLSOCKTYPE_IPCXN, &address);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
    url__socket_factory_clear(&factory);
}

/* curl hands the callback a curl_sockaddr whose address has room for IPv6 (its own
 * struct ends in a sockaddr_storage), as this one does. */
typedef struct {
    struct curl_sockaddr head;
    char room[sizeof(struct sockaddr_in6)];
} RoomySockaddr;

/* Each socket is one connection attempt, logged with its address for the metrics. */
static void test_attempts_are_logged(void)
{
    UrlSocketFactory factory = {.policy = &url__socket_policy_default};
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(8080)};
    in.sin_addr.s_addr = htonl(0xc0000221);
    RoomySockaddr v4 = {.head = {.family = AF_INET, .socktype = SOCK_STREAM, .addrlen = sizeof in}};
    memcpy(&v4.head.addr, &in, sizeof in);
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
    g_assert_cmpint(inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr), ==, 1);
    RoomySockaddr v6 = {
        .head = {.family = AF_INET6, .socktype = SOCK_STREAM, .addrlen = sizeof in6}};
    memcpy(&v6.head.addr, &in6, sizeof in6);
    close(url__socket_factory_open(&factory, CURLSOCKTYPE_IPCXN, &v6.head));
    close(url__socket_factory_open(&factory, CURLSOCKTYPE_IPCXN, &v4.head));
    g_assert_nonnull(factory.attempts);
    g_assert_cmpuint(factory.attempts->len, ==, 2);
    UrlConnectAttempt *first = &g_array_index(factory.attempts, UrlConnectAttempt, 0);
    UrlConnectAttempt *second = &g_array_index(factory.attempts, UrlConnectAttempt, 1);
    g_assert_cmpstr(first->address, ==, "2001:db8::1");
    g_assert_cmpint(first->port, ==, 443);
    g_assert_cmpstr(second->address, ==, "192.0.2.33");
    g_assert_cmpint(second->port, ==, 8080);
    g_assert_cmpfloat(second->start, >=, first->start);
    url__socket_factory_clear(&factory);
    g_assert_null(factory.attempts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/socket-factory/notsent-lowat", test_default_policy_sets_short_send_queue);
    g_test_add_func("/socket-factory/h2c", test_h2c_policy_leaves_kernel_default);
    g_test_add_func("/socket-factory/cloexec", test_sockets_are_close_on_exec);
    g_test_add_func("/socket-factory/attempts-logged", test_attempts_are_logged);
    return g_test_run();
}
