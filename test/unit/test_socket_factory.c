/* test_socket_factory.c — the sockets curl connects with get the policy's options. */
#include "net/socket_factory.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

static int notsent_lowat_of(const UrlSocketPolicy *policy, int family)
{
    struct curl_sockaddr address = {.family = family, .socktype = SOCK_STREAM, .protocol = 0};
    curl_socket_t fd = url__socket_factory_open((void *)policy, CURLSOCKTYPE_IPCXN, &address);
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
    curl_socket_t fd =
        url__socket_factory_open((void *)&url__socket_policy_default, CURLSOCKTYPE_IPCXN, &address);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/socket-factory/notsent-lowat", test_default_policy_sets_short_send_queue);
    g_test_add_func("/socket-factory/h2c", test_h2c_policy_leaves_kernel_default);
    g_test_add_func("/socket-factory/cloexec", test_sockets_are_close_on_exec);
    return g_test_run();
}
