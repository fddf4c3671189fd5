/* test_mptcp_socket.c — MPTCP sockets on loopback: opened with a fallback, negotiated with
 * an MPTCP listener (subflows listed with bytes), not negotiated with a plain TCP one. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "mptcp/mptcp_compat.h"
#include "mptcp/mptcp_socket.h"

static bool kernel_has_mptcp(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

/* A listener on 127.0.0.1 with @protocol; its port in *port. */
static int listener(int protocol, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, protocol);
    g_assert_cmpint(fd, >=, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    g_assert_cmpint(bind(fd, (struct sockaddr *)&address, sizeof address), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    socklen_t length = sizeof address;
    getsockname(fd, (struct sockaddr *)&address, &length);
    *port = ntohs(address.sin_port);
    return fd;
}

static int connected_pair(int server_protocol, bool *is_mptcp, int *accepted)
{
    int port = 0;
    int server = listener(server_protocol, &port);
    int fd = url__mptcp_socket_open(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, is_mptcp);
    g_assert_cmpint(fd, >=, 0);
    struct sockaddr_in address = {.sin_family = AF_INET,
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                  .sin_port = htons((uint16_t)port)};
    g_assert_cmpint(connect(fd, (struct sockaddr *)&address, sizeof address), ==, 0);
    *accepted = accept(server, NULL, NULL);
    g_assert_cmpint(*accepted, >=, 0);
    close(server);
    return fd;
}

static void test_negotiated_with_mptcp_server(void)
{
    if (!kernel_has_mptcp()) {
        g_test_skip("the kernel has no MPTCP (net.mptcp.enabled=0)");
        return;
    }
    bool is_mptcp = false;
    int accepted = -1;
    int fd = connected_pair(IPPROTO_MPTCP, &is_mptcp, &accepted);
    g_assert_true(is_mptcp);
    char data[4096];
    memset(data, 'x', sizeof data);
    g_assert_cmpint(write(accepted, data, sizeof data), ==, (ssize_t)sizeof data);
    size_t got = 0;
    for (int reads = 0; reads < 100 && got < sizeof data; reads++) {
        ssize_t n = read(fd, data, sizeof data);
        g_assert_cmpint(n, >, 0);
        got += (size_t)n;
    }
    g_assert_true(url__mptcp_is_negotiated(fd));
    UrlMptcpSubflow subflows[4];
    size_t count = url__mptcp_subflows(fd, subflows, 4);
    g_assert_cmpuint(count, ==, 1);
    g_assert_cmpstr(subflows[0].local, ==, "127.0.0.1");
    g_assert_cmpstr(subflows[0].remote, ==, "127.0.0.1");
    g_assert_cmpint(subflows[0].bytes_received, ==, (int64_t)sizeof data);
    g_assert_true(subflows[0].established);
    close(accepted);
    close(fd);
}

static void test_fallback_with_tcp_server(void)
{
    bool is_mptcp = false;
    int accepted = -1;
    int fd = connected_pair(IPPROTO_TCP, &is_mptcp, &accepted);
    g_assert_cmpint(is_mptcp, ==, kernel_has_mptcp());
    /* The server did not answer in MPTCP: the connection is plain TCP. */
    g_assert_false(url__mptcp_is_negotiated(fd));
    UrlMptcpSubflow subflows[4];
    g_assert_cmpuint(url__mptcp_subflows(fd, subflows, 4), ==, 0);
    close(accepted);
    close(fd);
}

static void test_plain_tcp_socket_is_not_mptcp(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    g_assert_false(url__mptcp_is_negotiated(fd));
    close(fd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mptcp/socket/negotiated", test_negotiated_with_mptcp_server);
    g_test_add_func("/mptcp/socket/fallback", test_fallback_with_tcp_server);
    g_test_add_func("/mptcp/socket/plain_tcp", test_plain_tcp_socket_is_not_mptcp);
    return g_test_run();
}
